package moka

import (
	"context"
	"encoding/json"
	"time"
)

// sensitiveKeys are the JSON fields whose values never reach a log line.
var sensitiveKeys = map[string]bool{
	"Password":   true,
	"CheckKey":   true,
	"CardNumber": true,
}

const masked = "***"

func (c *Client) log(ctx context.Context, operation string, attempt int, request, response []byte, status int, took time.Duration, err error, secrets []string) {
	if c.logger == nil {
		return
	}
	fields := map[string]any{
		"moka_operation": operation,
		"attempt":        attempt + 1,
		"duration_ms":    took.Milliseconds(),
		"request_body":   maskJSON(request, secrets),
	}
	if status != 0 {
		fields["http_status"] = status
	}
	if response != nil {
		fields["response_body"] = maskJSON(response, secrets)
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	c.logger.Debug(ctx, "Moka API call", fields)
}

// maskJSON returns body with the values of sensitive fields replaced, and any
// known secret removed from what is left; a body that is not JSON is cut short.
func maskJSON(body []byte, secrets []string) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return excerpt(body, secrets)
	}
	out, err := json.Marshal(maskValue(v))
	if err != nil {
		return masked
	}
	return redact(string(out), secrets)
}

func maskValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if sensitiveKeys[k] {
				if s, ok := val.(string); ok && s == "" {
					continue
				}
				t[k] = masked
				continue
			}
			t[k] = maskValue(val)
		}
		return t
	case []any:
		for i := range t {
			t[i] = maskValue(t[i])
		}
		return t
	default:
		return v
	}
}
