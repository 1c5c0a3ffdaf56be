#!/bin/zsh -f
# Print what zsh's completion offers for a command line, one "value -- description" a line.
# Usage: zsh -f complete.zsh FUNCTION_DIR 'dutycli by-unit 发'
# An interactive zsh runs in a pseudo-terminal with compinit loading FUNCTION_DIR (the shipped
# _dutycli); compadd is wrapped to print the matches zsh keeps after its own filtering.
zmodload zsh/zpty || { print -u2 'zsh/zpty missing'; exit 3 }
fpath_dir=$1
line=$2
zpty z zsh -f -i
setopt rcquotes
() {
    zpty -w z source $1
    repeat 8; do
        zpty -r z got
        [[ $got == ok* ]] && return
    done
    print -u2 'could not start zsh'
    exit 2
} =( <<< "
PROMPT=
fpath=(${(q)fpath_dir} \$fpath)
autoload -Uz compinit
compinit -u -D
bindkey '^M' undefined-key
null-line () { echo -E - \$'\0' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
zmodload zsh/zutil
compadd () {
    if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
        builtin compadd \"\$@\"
        return \$?
    fi
    typeset -a __hits __dscr __tmp
    if (( \$@[(I)-d] )); then
        __tmp=\${@[\$[\${@[(i)-d]}+1]]}
        if [[ \$__tmp == \\(* ]]; then
            eval \"__dscr=\$__tmp\"
        else
            __dscr=( \"\${(@P)__tmp}\" )
        fi
    fi
    builtin compadd -A __hits -D __dscr \"\$@\"
    [[ -n \$__hits ]] || return
    for i in {1..\$#__hits}; do
        if [[ -n \$__dscr[\$i] ]]; then
            print -r -- \"<\$__hits[\$i]> \$__dscr[\$i]\"
        else
            print -r -- \"<\$__hits[\$i]>\"
        fi
    done
}
echo ok")
zpty -w z "$line"$'\t'
integer tog=0
while zpty -r z; do :; done | while IFS= read -r got; do
    if [[ $got == *$'\0\r' ]]; then
        (( tog++ )) && exit 0 || continue
    fi
    (( tog )) && print -r -- "$got"
done
exit 2
