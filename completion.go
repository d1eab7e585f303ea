package main

// parley completion bash|zsh|fish: shell completion scripts, generated
// from one table of subcommands and flags so the three shells agree.

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

const completionUsage = `Usage: parley completion bash|zsh|fish

Print a completion script for the shell (subcommands, their flags and
--format values). Install it:
  bash  parley completion bash > ~/.local/share/bash-completion/completions/parley
  zsh   parley completion zsh > "${fpath[1]}/_parley"   (then: compinit)
  fish  parley completion fish > ~/.config/fish/completions/parley.fish
`

// globalFlags work with every command.
var globalFlags = []string{"--config", "--db", "--demo", "--help"}

// commandFlags are each command's own flags; a flag that takes a file has
// fileFlags, one with fixed values flagValues.
var commandFlags = map[string][]string{
	"fetch":       nil,
	"export":      {"--format", "--audit"},
	"conversions": nil,
	"doctor":      {"--salvage"},
	"backup":      nil,
	"serve":       {"--listen", "--team-dir", "--team-group"},
	"attach":      nil,
	"keys":        nil,
	"import-opml": nil,
	"completion":  nil,
}

var (
	flagValues  = map[string][]string{"--format": {"csv", "json", "opml"}}
	fileFlags   = []string{"--config", "--db", "--salvage", "--team-dir"}
	commandArgs = map[string][]string{"conversions": {"import"}, "completion": {"bash", "zsh", "fish"}}
)

func completionCmd(opts options, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, completionUsage)
		return 2
	}
	switch args[0] {
	case "bash":
		fmt.Fprint(stdout, bashCompletion())
	case "zsh":
		fmt.Fprint(stdout, zshCompletion())
	case "fish":
		fmt.Fprint(stdout, fishCompletion())
	default:
		fmt.Fprintf(stderr, "parley completion: %q is not a shell parley completes (expected bash, zsh or fish)\n", args[0])
		return 2
	}
	return 0
}

func completionCommands() []string {
	var names []string
	for name := range commandFlags {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func bashCompletion() string {
	var b strings.Builder
	fmt.Fprintf(&b, `# bash completion for parley (parley completion bash)
_parley() {
    local cur prev cmd i
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            %s) ((i++)) ;;
            -*) ;;
            *) cmd="${COMP_WORDS[i]}"; break ;;
        esac
    done
    case "$prev" in
`, strings.Join(valueFlags(), "|"))
	fmt.Fprintf(&b, "        %s)\n            COMPREPLY=($(compgen -f -- \"$cur\"))\n            return ;;\n", strings.Join(fileFlags, "|"))
	for _, f := range sortedKeys(flagValues) {
		fmt.Fprintf(&b, "        %s)\n            COMPREPLY=($(compgen -W %q -- \"$cur\"))\n            return ;;\n", f, strings.Join(flagValues[f], " "))
	}
	b.WriteString("        --listen|--team-group)\n            return ;;\n    esac\n    case \"$cmd\" in\n")
	fmt.Fprintf(&b, "        \"\")\n            COMPREPLY=($(compgen -W %q -- \"$cur\"))\n            return ;;\n",
		strings.Join(append(completionCommands(), globalFlags...), " "))
	for _, c := range completionCommands() {
		words := append(append([]string{}, commandFlags[c]...), globalFlags...)
		words = append(words, commandArgs[c]...)
		fmt.Fprintf(&b, "        %s)\n            COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", c, strings.Join(words, " "))
		if c == "import-opml" || c == "backup" || c == "attach" || c == "conversions" {
			b.WriteString("            [[ $cur != -* ]] && COMPREPLY+=($(compgen -f -- \"$cur\"))\n")
		}
		b.WriteString("            ;;\n")
	}
	b.WriteString("    esac\n}\ncomplete -o filenames -F _parley parley\n")
	return b.String()
}

// describe is the one-line description of each command in zsh and fish.
// The scripts put descriptions in single quotes: no apostrophes.
var describe = map[string]string{
	"fetch":       "poll every configured feed once",
	"export":      "print every conversation (csv, json) or the feeds (opml)",
	"conversions": "import sales attributed to tracked links",
	"doctor":      "check config, database and permissions",
	"backup":      "write a consistent copy of the database",
	"serve":       "run parley for a team over SSH",
	"attach":      "open a console on the team server (parley serve)",
	"keys":        "list the console actions and their keys",
	"import-opml": "add the feeds of an OPML file to the config",
	"completion":  "print a shell completion script",
}

var flagHelp = map[string]string{
	"--config": "config file", "--db": "database file", "--demo": "use the built-in demo", "--help": "explain the command",
	"--format": "output format", "--audit": "print the audit log", "--salvage": "copy what can be read into a new database",
	"--listen": "address to listen on for SSH", "--team-dir": "directory for the local socket", "--team-group": "group that may attach",
}

func zshCompletion() string {
	var b strings.Builder
	b.WriteString("#compdef parley\n# zsh completion for parley (parley completion zsh)\n\n_parley() {\n    local -a commands\n    commands=(\n")
	for _, c := range completionCommands() {
		fmt.Fprintf(&b, "        '%s:%s'\n", c, describe[c])
	}
	b.WriteString("    )\n    local -a globals\n    globals=(\n")
	for _, f := range globalFlags {
		fmt.Fprintf(&b, "        %s\n", zshFlag(f))
	}
	b.WriteString("    )\n    if (( CURRENT == 2 )); then\n        _describe -t commands 'parley command' commands\n        _arguments $globals\n        return\n    fi\n    case $words[2] in\n")
	for _, c := range completionCommands() {
		fmt.Fprintf(&b, "        %s)\n            _arguments $globals", c)
		for _, f := range commandFlags[c] {
			fmt.Fprintf(&b, " %s", zshFlag(f))
		}
		switch {
		case len(commandArgs[c]) > 0:
			fmt.Fprintf(&b, " '*:argument:(%s)'", strings.Join(commandArgs[c], " "))
		case c == "import-opml" || c == "backup" || c == "attach":
			b.WriteString(" '*:file:_files'")
		}
		b.WriteString(" ;;\n")
	}
	b.WriteString("    esac\n}\n\n_parley \"$@\"\n")
	return b.String()
}

func zshFlag(f string) string {
	spec := fmt.Sprintf("'%s[%s]", f, flagHelp[f])
	switch {
	case slices.Contains(fileFlags, f):
		spec += ":file:_files"
	case flagValues[f] != nil:
		spec += fmt.Sprintf(":format:(%s)", strings.Join(flagValues[f], " "))
	case f == "--listen" || f == "--team-group":
		spec += ":value: "
	}
	return spec + "'"
}

func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# fish completion for parley (parley completion fish)\ncomplete -c parley -f\n")
	cmds := strings.Join(completionCommands(), " ")
	for _, c := range completionCommands() {
		fmt.Fprintf(&b, "complete -c parley -n 'not __fish_seen_subcommand_from %s' -a %s -d '%s'\n", cmds, c, describe[c])
	}
	for _, f := range globalFlags {
		b.WriteString(fishFlag("", f))
	}
	for _, c := range completionCommands() {
		for _, f := range commandFlags[c] {
			b.WriteString(fishFlag(c, f))
		}
		if len(commandArgs[c]) > 0 {
			fmt.Fprintf(&b, "complete -c parley -n '__fish_seen_subcommand_from %s' -a '%s'\n", c, strings.Join(commandArgs[c], " "))
		}
		if c == "import-opml" || c == "backup" || c == "attach" || c == "conversions" {
			fmt.Fprintf(&b, "complete -c parley -n '__fish_seen_subcommand_from %s' -F\n", c)
		}
	}
	return b.String()
}

func fishFlag(cmd, f string) string {
	cond := ""
	if cmd != "" {
		cond = fmt.Sprintf(" -n '__fish_seen_subcommand_from %s'", cmd)
	}
	line := fmt.Sprintf("complete -c parley%s -l %s -d '%s'", cond, strings.TrimPrefix(f, "--"), flagHelp[f])
	switch {
	case slices.Contains(fileFlags, f):
		line += " -r -F"
	case flagValues[f] != nil:
		line += fmt.Sprintf(" -x -a '%s'", strings.Join(flagValues[f], " "))
	case f == "--listen" || f == "--team-group":
		line += " -x"
	}
	return line + "\n"
}

// valueFlags are the flags that take a value (the next word).
func valueFlags() []string {
	return append(append([]string{}, fileFlags...), append(sortedKeys(flagValues), "--listen", "--team-group")...)
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
