package ui

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"testing"

	"charm.land/lipgloss/v2"
)

// Backgrounds a parley palette must read well on: the darkest and the
// lightest themes people use (plain, xterm 234, One Dark, Nord; plain,
// xterm 255, Solarized Light).
var (
	darkBackgrounds  = []string{"#000000", "#1c1c1c", "#282c34", "#2e3440"}
	lightBackgrounds = []string{"#ffffff", "#eeeeee", "#fdf6e3"}
)

// WCAG 2.x AA: text 4.5:1; borders and rules, as user-interface
// components, 3:1.
const (
	minTextContrast   = 4.5
	minBorderContrast = 3.0
)

// nonText are styles that draw lines, not words: held to the 3:1 of
// user-interface components.
var nonText = map[string]bool{"Styles.Rule": true}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func isColor(c color.Color) bool {
	_, none := c.(lipgloss.NoColor)
	return c != nil && !none
}

// eachStyle calls f with every lipgloss.Style reachable from v (fields,
// arrays, nested structs such as the help and textarea styles), by name.
func eachStyle(name string, v reflect.Value, f func(string, lipgloss.Style)) {
	if v.Type() == reflect.TypeFor[lipgloss.Style]() {
		f(name, v.Interface().(lipgloss.Style))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				eachStyle(name+"."+v.Type().Field(i).Name, v.Field(i), f)
			}
		}
	case reflect.Array, reflect.Slice:
		for i := range v.Len() {
			eachStyle(fmt.Sprintf("%s[%d]", name, i), v.Index(i), f)
		}
	}
}

func TestEveryStyleMeetsWCAGContrast(t *testing.T) {
	for _, dark := range []bool{true, false} {
		s := NewStyles(dark)
		bgs := lightBackgrounds
		if dark {
			bgs = darkBackgrounds
		}
		checked := 0
		eachStyle("Styles", reflect.ValueOf(s).Elem(), func(name string, st lipgloss.Style) {
			against := []color.Color{}
			if bg := st.GetBackground(); isColor(bg) {
				against = append(against, bg) // a badge or the cursor row: its own background
			} else {
				for _, hex := range bgs {
					against = append(against, lipgloss.Color(hex))
				}
			}
			if fg := st.GetForeground(); isColor(fg) && nonText[name] {
				for _, bg := range against {
					if r := contrast(fg, bg); r < minBorderContrast {
						t.Errorf("dark=%v %s: rule %v on %v is %.2f:1, want %.1f:1", dark, name, fg, bg, r, minBorderContrast)
					}
				}
			} else if isColor(fg) {
				checked++
				for _, bg := range against {
					if r := contrast(fg, bg); r < minTextContrast {
						t.Errorf("dark=%v %s: text %v on %v is %.2f:1, want %.1f:1", dark, name, fg, bg, r, minTextContrast)
					}
				}
			}
			if b := st.GetBorderTopForeground(); isColor(b) {
				for _, bg := range against {
					if r := contrast(b, bg); r < minBorderContrast {
						t.Errorf("dark=%v %s: border %v on %v is %.2f:1, want %.1f:1", dark, name, b, bg, r, minBorderContrast)
					}
				}
			}
		})
		if checked < 30 {
			t.Errorf("dark=%v: only %d styles with a colour checked: the walk misses some", dark, checked)
		}
		if cur := s.TextArea.Cursor.Color; isColor(cur) {
			for _, hex := range bgs {
				if r := contrast(cur, lipgloss.Color(hex)); r < minBorderContrast {
					t.Errorf("dark=%v cursor %v on %s is %.2f:1", dark, cur, hex, r)
				}
			}
		}
	}
}

func TestContrastFormula(t *testing.T) {
	// Reference values from the WCAG definition.
	for _, c := range []struct {
		a, b string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#777777", "#ffffff", 4.48}, {"#ffffff", "#ffffff", 1}} {
		if got := contrast(lipgloss.Color(c.a), lipgloss.Color(c.b)); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}
