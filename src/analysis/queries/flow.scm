; Names an expression reads: the parameters and locals a value depends on, the variables a guard tests.
(identifier) @identifier
