-- A recovery hook that raises: its error goes outward, to the stage's handler.
local M = {}
function M.decide(a) error("the hook broke") end
return M
