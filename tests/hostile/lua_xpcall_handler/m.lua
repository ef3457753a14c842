-- A message handler that never ends: Lua runs it with hooks off when the
-- error it handles was raised by a hook (a limit's).
xpcall(function() error("x") end, function() while true do end end)
return {}
