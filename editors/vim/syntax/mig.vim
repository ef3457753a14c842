" syntax/mig.vim: highlighting for mig migration plans (.mig), after the
" lexer in grammar/lexer.l: keywords, names, numbers and durations,
" strings with ${...} interpolation and escapes, # and /* */ comments.
" Install: docs/editors.md.
if exists('b:current_syntax')
  finish
endif

" the words that open a plan item or a statement
syn keyword migStructure migration stage profile lua as error breaker after
syn keyword migMeta version description requires writes
syn keyword migDeclare param let step checkpoint snapshot
syn keyword migControl foreach in parallel tolerate retry backoff jitter on
syn keyword migControl deadline recover with verify if else finally skip fail
syn keyword migControl rollback to undo timeout when
syn keyword migOperator and or not
syn keyword migConstant true false null

" a keyword after '.' is a field name (log.error), not a keyword
syn match migField "\.\h\w*"
" durations before numbers: 1h30m, 250ms, 1.5s
syn match migDuration "\<\d\+\(\.\d\+\)\=\(ms\|s\|m\|h\)\(\d\+\(\.\d\+\)\=\(ms\|s\|m\|h\)\)*\>"
syn match migNumber "\<\d\+\(\.\d\+\)\=\([eE][+-]\=\d\+\)\=\>"
syn match migOperatorSym "==\|!=\|<=\|>=\|[-+*/%<>=]"

syn region migString start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=migEscape,migInterp
syn match migEscape contained +\\[ntr"\\$]\|\\u{\x\{1,6}}+
syn region migInterp contained matchgroup=migInterpDelim start=+\${+ end=+}+ contains=TOP

syn match migComment "#.*$" contains=migTodo,@Spell
syn region migComment start="/\*" end="\*/" contains=migTodo,@Spell
syn keyword migTodo contained TODO FIXME XXX NOTE

hi def link migStructure Structure
hi def link migMeta PreProc
hi def link migDeclare Statement
hi def link migControl Conditional
hi def link migOperator Operator
hi def link migOperatorSym Operator
hi def link migConstant Constant
hi def link migDuration Number
hi def link migNumber Number
hi def link migString String
hi def link migEscape SpecialChar
hi def link migInterpDelim Delimiter
hi def link migComment Comment
hi def link migTodo Todo

let b:current_syntax = 'mig'
