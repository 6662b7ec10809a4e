; What the use and zero-return analysis look at inside one function body.
(identifier) @identifier
(goto_statement label: (statement_identifier) @goto)
(labeled_statement label: (statement_identifier) @label)
(field_expression) @field
