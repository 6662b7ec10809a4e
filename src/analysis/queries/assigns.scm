; Assignments to plain names in a function body, for the values a local can hold.
(assignment_expression left: (identifier) @assign.left right: (_))
(init_declarator declarator: (identifier) @init.left value: (_))
(init_declarator declarator: (pointer_declarator declarator: (identifier) @init.left) value: (_))
