" ftplugin/mig.vim: editing mig plans the way `mig fmt` lays them out
" (two spaces per level, docs/fmt.md), and :MigFmt, which formats the
" whole buffer with `mig fmt -` and leaves it alone when the plan has
" errors (docs/editors.md).
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal commentstring=#\ %s comments=:#
let b:undo_ftplugin = 'setlocal expandtab< shiftwidth< softtabstop< commentstring< comments<'
      \ . ' | delcommand -buffer MigFmt'

if !exists('*s:MigFmt')
  function s:MigFmt() abort
    let l:lines = getline(1, '$')
    let l:out = systemlist('mig fmt - 2>/dev/null', l:lines)
    if v:shell_error
      echohl ErrorMsg
      echo 'mig fmt: the plan has errors; :!mig check % shows them'
      echohl None
      return
    endif
    if l:out ==# l:lines
      return
    endif
    let l:view = winsaveview()
    call setline(1, l:out)
    if line('$') > len(l:out)
      silent execute (len(l:out) + 1) . ',$delete _'
    endif
    call winrestview(l:view)
  endfunction
endif
command! -buffer MigFmt call s:MigFmt()
