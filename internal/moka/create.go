package moka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Moka's creates take no idempotency key, and an object "like the one sent"
// may be someone else's. So a create writes a random claim into one free-text
// field and, once answered, the field's real value: after a lost answer, only
// the object carrying the claim is ours.
//
// A claim is "<16 hex digits> tfmoka <UTC YYYYMMDDhhmmss>": the random part
// first and matched ignoring case, so that a Moka that cuts or capitalises
// text still gives it back as ours; the time tells an abandoned claim from a
// create that may still be running.
const (
	claimRandomDigits = 16
	claimMarker       = "tfmoka"
	claimTimeLayout   = "20060102150405"
	// Earlier builds put the random part last: matched only whole.
	legacyClaimPrefix = "terraform-provider-moka create "
)

// ClaimMayBeRunningFor is the default create timeout with a margin.
const ClaimMayBeRunningFor = 10 * time.Minute

var claimPattern = regexp.MustCompile(`^[0-9a-f]{16} ` + claimMarker + `(?: ([0-9]{14}))?`)

// NewClaim is a fresh claim written now.
func NewClaim() string { return newClaimAt(time.Now()) }

func newClaimAt(t time.Time) string {
	var b [claimRandomDigits / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("moka: no randomness for a create claim: %v", err))
	}
	return hex.EncodeToString(b[:]) + " " + claimMarker + " " + t.UTC().Format(claimTimeLayout)
}

func claimForm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// IsClaim reports whether a field holds a create's claim (whole, cut after
// its marker, or in another case) rather than a value a person gave it.
func IsClaim(s string) bool {
	f := claimForm(s)
	return claimPattern.MatchString(f) || strings.HasPrefix(f, legacyClaimPrefix)
}

// ClaimWritten is when the claim in s was written; ok is false when s holds
// no claim or its time was cut off.
func ClaimWritten(s string) (written time.Time, ok bool) {
	m := claimPattern.FindStringSubmatch(claimForm(s))
	if m == nil || m[1] == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(claimTimeLayout, m[1])
	return t, err == nil
}

// ClaimAbandoned reports whether the claim in s is old enough that no create
// can still be running for it (or says nothing of its time).
func ClaimAbandoned(s string, now time.Time) bool {
	written, ok := ClaimWritten(s)
	// A time up to ClaimMayBeRunningFor ahead may be another machine's clock
	// (CI runners differ by minutes): a create may still be running. Further
	// ahead, no create of ours wrote it.
	return !ok || now.Sub(written) >= ClaimMayBeRunningFor || written.After(now.Add(ClaimMayBeRunningFor))
}

// HoldsClaim reports whether a field holds this claim, as Moka may give it
// back: in another case, or cut short but with its whole random part.
func HoldsClaim(field, claim string) bool {
	f, c := claimForm(field), claimForm(claim)
	if c == "" || f == "" {
		return false
	}
	if strings.HasPrefix(c, legacyClaimPrefix) {
		return f == c
	}
	return len(f) >= claimRandomDigits && strings.HasPrefix(c, f)
}

// UncertainError is a create that may have stored its object and whose claim
// could not be looked for yet.
type UncertainError struct {
	Err   error
	Claim string
}

func (e *UncertainError) Error() string { return e.Err.Error() }

func (e *UncertainError) Unwrap() error { return e.Err }

// PendingClaim returns the claim of an UncertainError in err's chain, or "".
func PendingClaim(err error) string {
	var u *UncertainError
	if errors.As(err, &u) {
		return u.Claim
	}
	return ""
}

// UnfinishedError is a create that made its object but could not write the
// claimed field's real value afterwards.
type UnfinishedError struct {
	Err error
}

func (e *UnfinishedError) Error() string {
	return fmt.Sprintf("%v (the object was created; one of its fields still holds the create's claim)", e.Err)
}

func (e *UnfinishedError) Unwrap() error { return e.Err }

// IsUnfinished reports whether err is an UnfinishedError.
func IsUnfinished(err error) bool {
	var u *UnfinishedError
	return errors.As(err, &u)
}

// ClaimKeptError: Moka kept the claim in Field although the finishing write
// sent it empty, as "" and as null.
type ClaimKeptError struct {
	Field string
	Claim string
}

func (e *ClaimKeptError) Error() string {
	return fmt.Sprintf("Moka kept the create's claim in %s although it was asked to empty it (sent as \"\" and as null)", e.Field)
}

// KeptClaim returns the ClaimKeptError in err's chain, or nil.
func KeptClaim(err error) *ClaimKeptError {
	var k *ClaimKeptError
	if errors.As(err, &k) {
		return k
	}
	return nil
}

type claimedCreate[T any] struct {
	operation string
	claim     string
	add       func(ctx context.Context) (T, callResult, error)
	find      func(ctx context.Context) (found T, seen sighting, err error)
	// taken, when set, makes the error for a unique key (a customer code)
	// that find showed is held by an object not ours.
	taken func(ctx context.Context, err error) error
}

type sighting int

const (
	seenNothing sighting = iota
	seenOurs
	seenOther // another object holds the key the create needs
)

// createClaimed retries a create, looking for its claim after any attempt
// whose fate is unknown and before the next: a blind second AddCard could
// store a second card.
func createClaimed[T any](ctx context.Context, c *Client, op claimedCreate[T]) (T, error) {
	var zero T
	uncertain, timedOut := false, false
	for round := 0; ; round++ {
		made, res, err := op.add(ctx)
		if err == nil {
			return made, nil
		}
		isTaken := op.taken != nil && isCodeTaken(err)
		uncertain = uncertain || res.uncertain
		timedOut = timedOut || (res.uncertain && errors.Is(err, context.DeadlineExceeded))
		if uncertain {
			found, seen, ferr := lookForClaim(ctx, c, op, err)
			if ferr != nil {
				return zero, &UncertainError{Claim: op.claim, Err: fmt.Errorf("%w; it may have been stored, and looking for it failed: %w", err, ferr)}
			}
			switch seen {
			case seenOurs:
				return found, nil
			case seenOther:
				isTaken = op.taken != nil
			}
		}
		if isTaken {
			return zero, op.taken(ctx, err)
		}
		if timedOut && op.taken == nil {
			// A timed-out attempt may land after every look, and with no key
			// Moka keeps unique (a card) a resend would then be a second
			// object: the create stays pending for the next refresh to settle.
			return zero, &UncertainError{Claim: op.claim, Err: fmt.Errorf("%w; it may still be stored, and no look since has found it yet", err)}
		}
		retryable, _ := Classify(err)
		if !retryable || round >= c.maxRetries || ctx.Err() != nil {
			if timedOut {
				// A timed-out attempt can land after the looks.
				return zero, &UncertainError{Claim: op.claim, Err: fmt.Errorf("%w; it may have been stored, and no look since has found it yet", attemptsError(err, round+1))}
			}
			return zero, attemptsError(err, round+1)
		}
		if serr := sleep(ctx, c.backoff(round, err)); serr != nil {
			if uncertain {
				return zero, &UncertainError{Claim: op.claim, Err: fmt.Errorf("moka %s: %w while waiting to retry after: %v", op.operation, serr, err)} //nolint:errorlint // the wait's end is the cause
			}
			return zero, fmt.Errorf("moka %s: %w while waiting to retry after: %v", op.operation, serr, err) //nolint:errorlint // the wait's end is the cause
		}
	}
}

// lookForClaim: an attempt that timed out may still be running at Moka, so
// the look waits a little, and an empty look is repeated once after another
// request timeout.
func lookForClaim[T any](ctx context.Context, c *Client, op claimedCreate[T], err error) (T, sighting, error) {
	var zero T
	looks := 1
	if errors.Is(err, context.DeadlineExceeded) {
		looks = 2
		if serr := sleep(ctx, c.backoff(0, err)); serr != nil {
			return zero, seenNothing, serr
		}
	}
	for look := 1; ; look++ {
		found, seen, ferr := op.find(ctx)
		if ferr != nil || seen != seenNothing || look >= looks {
			return found, seen, ferr
		}
		if serr := sleep(ctx, c.timeout); serr != nil {
			return zero, seenNothing, serr
		}
	}
}

func attemptsError(err error, attempts int) error {
	if attempts <= 1 {
		return err
	}
	return fmt.Errorf("%w (gave up after %d attempts)", err, attempts)
}
