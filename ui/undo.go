package ui

import (
	"errors"
	"fmt"
	"strings"

	"parley/store"
)

// undoRefused is the status line of an undo the store refused because a
// teammate acted on the thread since ("bob changed this since: …").
func undoRefused(msg threadChangedMsg) (string, bool) {
	var o *store.OverriddenError
	if !strings.HasPrefix(msg.action.kind, "undo-") || !errors.As(msg.err, &o) {
		return "", false
	}
	return fmt.Sprintf("Not undone: %s changed this since (%s) in %q.", termText(o.Who), overrideWhat(o.Action), msg.title), true
}

// overrideWhat says what a teammate's audited action did.
func overrideWhat(action string) string {
	switch action {
	case store.AuditUndone:
		return "put it back in the queue"
	case store.AuditDone:
		return "marked it done"
	case store.AuditSnoozed:
		return "snoozed it"
	case store.AuditUnsnoozed:
		return "woke it"
	case store.AuditStage:
		return "moved a stage"
	case store.AuditAssigned:
		return "assigned it"
	case store.AuditUnassigned:
		return "unassigned it"
	case store.AuditReplyRecorded, store.AuditReplyQueued, store.AuditReplySent:
		return "replied"
	}
	return action
}
