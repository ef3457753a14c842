-- An error of a class the plan does not declare.
local M = {}
function M.f() mig.error("SchemaDrift", "dims differ") end
return M
