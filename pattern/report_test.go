package pattern

import (
	"strings"
	"testing"

	"github.com/painmark/painmark/report"
)

// The responses report shows each subject's pair when there are two conditions (subjects with
// both only), and no pairs for one condition.
func TestResponsesReport(t *testing.T) {
	r := &Responses{Signature: "pain", Options: DefaultApplyOptions()}
	for i, s := range []string{"01", "02", "03"} {
		r.Rows = append(r.Rows, Response{Subject: s, Condition: "heat", Response: 2 + float64(i)})
		if s != "03" {
			r.Rows = append(r.Rows, Response{Subject: s, Condition: "warm", Response: 1})
		}
	}
	d := report.New("Pattern responses", "")
	r.AddReport(d)
	html := string(d.HTML())
	if !strings.Contains(html, "Response per subject") || !strings.Contains(html, "(2 subjects with both)") {
		t.Errorf("two conditions: no paired figure of the 2 subjects with both")
	}
	one := &Responses{Signature: "pain", Options: DefaultApplyOptions(), Rows: r.Rows[:1]}
	d = report.New("Pattern responses", "")
	one.AddReport(d)
	if strings.Contains(string(d.HTML()), "Response per subject") {
		t.Error("one condition: a paired figure")
	}
}
