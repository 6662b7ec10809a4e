; The names a function body declares (any block): arguments that name them are locals, not globals.
(declaration declarator: (_) @local)
