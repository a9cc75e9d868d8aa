package runner

import (
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/plummock/plummock/contract"
)

// JUnit XML, the subset CI systems read: one testsuite, one testcase per case.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// junitXML renders the report for CI.
func junitXML(rep *contract.Report) ([]byte, error) {
	pass, fail, skip := rep.Counts()
	s := junitSuite{Name: "plummock contract", Tests: pass + fail + skip, Failures: fail, Skipped: skip, Timestamp: rep.Started}
	s.Properties = append(s.Properties, junitProperty{"target", rep.Target})
	for _, k := range slices.Sorted(maps.Keys(rep.Capabilities)) {
		s.Properties = append(s.Properties, junitProperty{"capability." + k, rep.Capabilities[k]})
	}
	for _, c := range rep.Cases {
		s.Cases = append(s.Cases, junitTestcase(c))
	}
	doc := junitSuites{Name: "plummock contract", Tests: s.Tests, Failures: fail, Skipped: skip, Suites: []junitSuite{s}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	return append([]byte(xml.Header), append(out, '\n')...), err
}

func junitTestcase(c contract.CaseResult) junitCase {
	group, _, _ := strings.Cut(c.Name, "/")
	d, _ := time.ParseDuration(c.Duration)
	jc := junitCase{Name: c.Name, Classname: "contract." + group, Time: fmt.Sprintf("%.3f", d.Seconds())}
	switch c.Verdict {
	case contract.Fail:
		msg := c.Failures[0].Message
		jc.Failure = &junitMessage{Message: msg, Text: strings.TrimSpace(caseLine(c))}
	case contract.Skip:
		jc.Skipped = &junitMessage{Message: c.Reason}
	}
	var obs []string
	for _, o := range c.Observations {
		obs = append(obs, o.Key+": "+o.Answer)
	}
	jc.SystemOut = strings.Join(obs, "\n")
	return jc
}
