-- A recovery hook that rolls back to a checkpoint the plan does not have.
local M = {}
function M.decide(a) return { decision = "rollback", to = "nowhere" } end
return M
