; Labels and gotos of a function body: a goto back to a label before the request retries it.
(goto_statement label: (statement_identifier) @goto)
(labeled_statement label: (statement_identifier) @label)
