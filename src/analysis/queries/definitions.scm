; Definitions that can enclose a call site: functions (any pointer depth) and function-like macros; object-like macros for constants.
(function_definition) @function
(preproc_function_def
  name: (identifier) @macro.name
  value: (preproc_arg) @macro.body) @macro
(preproc_def
  name: (identifier) @constant.name
  value: (preproc_arg) @constant.value) @constant
