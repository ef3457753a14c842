" ftdetect/mig.vim: .mig files are mig migration plans (docs/editors.md).
autocmd BufRead,BufNewFile *.mig setfiletype mig
