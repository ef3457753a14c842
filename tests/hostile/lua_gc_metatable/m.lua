-- A finalizer planted in the metatable lists share: Lua runs finalizers
-- with hooks off, so no limit could stop this one.
local lm = getmetatable(mig.list())
lm.__gc = function() while true do end end
for i = 1, 1000 do mig.list() end
collectgarbage()
return {}
