-- A module beside the plan's folder, not in it.
return { f = function() return 1 end }
