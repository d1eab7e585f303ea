package ui

// [keys] in the config rebinds any action. Actions are found by
// reflection over KeyMap, so a binding added to keys.go is rebindable
// (and listed by `parley keys`) with no extra work: its name is
// screen.action, both in snake_case from the field names (Queue.Done ->
// "queue.done", Thread.NextPerson -> "thread.next_person", the Motion
// keys each screen embeds -> "queue.down", "funnel.down" ...).

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"

	"parley/feeds"
)

// KeyAction is one rebindable action.
type KeyAction struct {
	Name    string // "queue.done"
	Screen  string // "queue"
	binding *key.Binding
}

// Keys are the keys that trigger the action now.
func (a KeyAction) Keys() []string { return a.binding.Keys() }

// Desc is the action's help text.
func (a KeyAction) Desc() string { return a.binding.Help().Desc }

// allScreens is the [keys] prefix that rebinds an action on every screen
// that has it: "all.done" = "x".
const allScreens = "all"

// modalScreens take the keyboard for themselves: the global keys do not
// apply there (except force_quit), so they cannot conflict with them.
var modalScreens = map[string]bool{"compose": true, "snooze": true, "help": true}

var bindingType = reflect.TypeFor[key.Binding]()

// Actions lists every action of km, screen by screen in KeyMap order.
func (km *KeyMap) Actions() []KeyAction {
	var out []KeyAction
	v := reflect.ValueOf(km).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Struct {
			continue
		}
		collectActions(v.Field(i), snakeCase(f.Name), &out)
	}
	return out
}

func collectActions(v reflect.Value, screen string, out *[]KeyAction) {
	for i := range v.NumField() {
		f := v.Type().Field(i)
		switch {
		case !f.IsExported():
		case f.Type == bindingType:
			*out = append(*out, KeyAction{Name: screen + "." + snakeCase(f.Name), Screen: screen,
				binding: v.Field(i).Addr().Interface().(*key.Binding)})
		case f.Type.Kind() == reflect.Struct:
			collectActions(v.Field(i), screen, out) // embedded Motion and the like
		}
	}
}

// snakeCase turns a Go field name into a config name: NextPerson ->
// next_person.
func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ApplyKeys rebinds km's actions as [keys] says, in file order, and
// returns every mistake (unknown action, a string that is no key, two
// actions on one key where both apply) as a *feeds.ConfigError with the
// line, so all of them can be fixed in one go. Bindings with a mistake
// are left as they were.
func ApplyKeys(km *KeyMap, path string, binds []feeds.KeyBinding) []error {
	actions := km.Actions()
	byName := map[string][]*KeyAction{}
	for i := range actions {
		a := &actions[i]
		byName[a.Name] = append(byName[a.Name], a)
		short := a.Name[len(a.Screen)+1:]
		byName[allScreens+"."+short] = append(byName[allScreens+"."+short], a)
	}
	// Conflicts that the defaults have on purpose (enter lists a stage or
	// opens a thread, depending on where the cursor is) stay allowed.
	allowed := map[string]bool{}
	for _, c := range keyConflicts(actions) {
		allowed[c.id()] = true
	}
	var errs []error
	errAt := func(line int, msg string, args ...any) {
		errs = append(errs, &feeds.ConfigError{Path: path, Line: line, Msg: "[keys] " + fmt.Sprintf(msg, args...)})
	}
	lineOf := map[string]int{} // action name -> the [keys] line that set it
	for _, kb := range binds {
		targets, ok := byName[kb.Action]
		if !ok {
			errAt(kb.Line, "unknown action %q%s (run parley keys for the list)", kb.Action, suggestAction(kb.Action, actions))
			continue
		}
		bad := false
		for _, k := range kb.Keys {
			if why := checkKeyName(k); why != "" {
				errAt(kb.Line, "%q = %q: %s", kb.Action, k, why)
				bad = true
			}
		}
		if bad {
			continue
		}
		for _, a := range targets {
			rebind(a.binding, kb.Keys)
			lineOf[a.Name] = kb.Line
		}
	}
	for _, c := range keyConflicts(actions) {
		if allowed[c.id()] {
			continue
		}
		la, lb := lineOf[c.a], lineOf[c.b]
		line, mine, other := lb, c.b, c.a
		if la > lb {
			line, mine, other = la, c.a, c.b
		}
		errAt(line, "%q: %q is also the key of %q, and both work on the %s screen (rebind one of them)", mine, c.key, other, c.scope)
	}
	return errs
}

// rebind gives b new keys; its help shows them the way the defaults do.
func rebind(b *key.Binding, keys []string) {
	b.SetKeys(keys...)
	shown := make([]string, 0, len(keys))
	for _, k := range keys {
		shown = append(shown, keyLabel(k))
	}
	b.SetHelp(strings.Join(shown, "/"), b.Help().Desc)
}

func keyLabel(k string) string {
	switch k {
	case "up":
		return "↑"
	case "down":
		return "↓"
	}
	return k
}

type keyConflict struct{ a, b, key, scope string }

func (c keyConflict) id() string { return c.a + "|" + c.b + "|" + c.key }

// keyConflicts lists pairs of actions with a key in common that are
// active at the same time: on one screen, or one screen's and a global
// one (outside the modal screens, where only force_quit is global).
func keyConflicts(actions []KeyAction) []keyConflict {
	var screens []string
	for _, a := range actions {
		if !slices.Contains(screens, a.Screen) {
			screens = append(screens, a.Screen)
		}
	}
	var out []keyConflict
	seen := map[string]bool{}
	for _, scr := range screens {
		var scope []KeyAction
		for _, a := range actions {
			switch {
			case a.Screen == scr:
			case a.Screen == "global" && (!modalScreens[scr] || a.Name == "global.force_quit"):
			default:
				continue
			}
			scope = append(scope, a)
		}
		for i, a := range scope {
			for _, b := range scope[i+1:] {
				for _, k := range a.Keys() {
					c := keyConflict{a.Name, b.Name, k, scr}
					if !slices.Contains(b.Keys(), k) || seen[c.id()] {
						continue
					}
					seen[c.id()] = true
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// namedKeys are the key names Bubble Tea's KeyPressMsg.String gives.
var namedKeys = map[string]bool{
	"enter": true, "esc": true, "tab": true, "space": true, "backspace": true, "delete": true,
	"insert": true, "up": true, "down": true, "left": true, "right": true, "home": true, "end": true,
	"pgup": true, "pgdown": true, "f1": true, "f2": true, "f3": true, "f4": true, "f5": true, "f6": true,
	"f7": true, "f8": true, "f9": true, "f10": true, "f11": true, "f12": true,
}

var modifiers = map[string]bool{"ctrl": true, "alt": true, "shift": true, "meta": true, "super": true, "hyper": true}

// checkKeyName explains why k is no key a terminal sends ("" if it is
// one), so a typo like "ctlr+x" is caught at start and not by a key that
// never works.
func checkKeyName(k string) string {
	parts := strings.Split(k, "+")
	last := parts[len(parts)-1]
	if last == "" && len(parts) > 1 { // "ctrl++"
		last, parts = "+", parts[:len(parts)-2]
	} else {
		parts = parts[:len(parts)-1]
	}
	for _, m := range parts {
		if !modifiers[m] {
			return fmt.Sprintf("%q is not a modifier (expected ctrl, alt or shift, as in \"ctrl+x\")", m)
		}
	}
	if why := keyNameOrder(parts, last); why != "" {
		return why
	}
	if namedKeys[last] || utf8.RuneCountInString(last) == 1 && unicode.IsPrint([]rune(last)[0]) && last != " " {
		return ""
	}
	if last == " " {
		return `a space is written "space"`
	}
	return fmt.Sprintf("%q is not a key (expected one character, or enter, esc, tab, space, backspace, up, down, pgup, f1 …, with modifiers as in \"ctrl+x\")", last)
}

// suggestAction names the closest action when the screen or the action is
// right and the other part is not.
func suggestAction(name string, actions []KeyAction) string {
	screen, short, _ := strings.Cut(name, ".")
	var same []string
	for _, a := range actions {
		if strings.HasSuffix(a.Name, "."+short) || a.Name == name {
			return fmt.Sprintf(" (did you mean %q?)", a.Name)
		}
		if a.Screen == screen {
			same = append(same, strings.TrimPrefix(a.Name, screen+"."))
		}
	}
	if len(same) > 0 {
		return fmt.Sprintf(" (%s has: %s)", screen, strings.Join(same, ", "))
	}
	return ""
}
