-- A recursion that overflows Lua's stack, half a million frames deep.
local function down(n) return down(n + 1) + 1 end
down(1)
return {}
