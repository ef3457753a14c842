" ftplugin/mig.vim: editing mig plans the way `mig fmt` lays them out
" (two spaces per level, docs/fmt.md); `gq` runs the formatter.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal commentstring=#\ %s comments=:#
setlocal formatprg=mig\ fmt\ -
let b:undo_ftplugin = 'setlocal expandtab< shiftwidth< softtabstop< commentstring< comments< formatprg<'
