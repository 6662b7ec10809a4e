; What the use and zero-return analysis look at inside one function body.
(identifier) @identifier
(goto_statement label: (statement_identifier) @goto)
(labeled_statement label: (statement_identifier) @label)
[(while_statement) (for_statement) (do_statement)] @loop
(assignment_expression left: (identifier) @assign.left right: (_) @assign.right)
(init_declarator declarator: (identifier) @init.left value: (_) @init.right)
(field_expression) @field
