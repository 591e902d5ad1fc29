package moka

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// invalidUTF8Field names the first string of a request that is not UTF-8:
// encoding/json would silently send it with U+FFFD in place of its bytes.
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

func checkUTF8(operation string, request any) error {
	if field := invalidUTF8Field(reflect.ValueOf(request), ""); field != "" {
		return fmt.Errorf("moka %s: %s is not valid UTF-8 text; it was not sent, because Moka would store it mangled", operation, field)
	}
	return nil
}
