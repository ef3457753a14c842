-- Writing into mig.params around its read-only __newindex.
rawset(mig.params, "source", "elsewhere")
return {}
