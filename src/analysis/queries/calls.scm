; Every call of a plain identifier; the code keeps those whose name is a request function, a wrapper or a MODULE_ALIAS* macro.
(call_expression
  function: (identifier) @callee
  arguments: (argument_list) @arguments) @call
