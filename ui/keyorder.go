package ui

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// modifierOrder is the order Bubble Tea writes modifiers in a key's name
// (ultraviolet's Keystroke): a [keys] entry matches only when written the
// same way, so "alt+ctrl+x" or "shift+a" would be a key that never fires.
var modifierOrder = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// keyNameOrder explains how to write a key whose modifiers are valid but
// that no key press is named ("" when it is fine).
func keyNameOrder(mods []string, last string) string {
	want := slices.Clone(mods)
	slices.SortStableFunc(want, func(a, b string) int {
		return slices.Index(modifierOrder, a) - slices.Index(modifierOrder, b)
	})
	want = slices.Compact(want)
	canon := strings.Join(append(want, last), "+")
	if given := strings.Join(append(slices.Clone(mods), last), "+"); given != canon {
		return fmt.Sprintf("write it %q (modifiers once each, in the order ctrl, alt, shift)", canon)
	}
	// shift with a character alone arrives as what it types: "A", not
	// "shift+a"; "!", not "shift+1".
	if len(mods) == 1 && mods[0] == "shift" && utf8.RuneCountInString(last) == 1 {
		if r, _ := utf8.DecodeRuneInString(last); unicode.IsLower(r) {
			return fmt.Sprintf("write it %q (shift with a letter is the capital)", string(unicode.ToUpper(r)))
		}
		return "write the character shift types instead (shift+1 is \"!\" on a US keyboard)"
	}
	return ""
}
