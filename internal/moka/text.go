package moka

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// invalidUTF8Field names the first string in a request (a struct of strings,
// pointers to them and embedded structs) that is not valid UTF-8, by its JSON
// field name, or returns "". encoding/json would silently send such a string
// with its bad bytes replaced by U+FFFD, and Moka would store the mangled text.
func invalidUTF8Field(v reflect.Value, name string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return invalidUTF8Field(v.Elem(), name)
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			return name
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			field := name
			if !f.Anonymous {
				field = f.Name
				if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
					field = tag
				}
			}
			if bad := invalidUTF8Field(v.Field(i), field); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// checkUTF8 refuses a request with text that is not UTF-8, naming the field
// but never its value.
func checkUTF8(operation string, request any) error {
	if field := invalidUTF8Field(reflect.ValueOf(request), ""); field != "" {
		return fmt.Errorf("moka %s: %s is not valid UTF-8 text; it was not sent, because Moka would store it mangled", operation, field)
	}
	return nil
}
