; Every call of a plain identifier; the code keeps those whose name is a request function, a wrapper or a MODULE_ALIAS* macro.
; Only the callee is captured (the call is its parent): each capture is a node the binding hands to JavaScript.
(call_expression
  function: (identifier) @callee
  arguments: (argument_list))
