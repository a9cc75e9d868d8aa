package contract

import "sort"

// Difference is one behaviour on which two reports disagree: a case verdict ("case:NAME") or
// an observation ("obs:KEY"). An empty side means the behaviour is absent from that report.
type Difference struct {
	Behaviour string `json:"behaviour"`
	Question  string `json:"question,omitempty"`
	A         string `json:"a"`
	B         string `json:"b"`
}

// Compare lists every behaviour whose outcome differs between two runs (say the fake and the
// sandbox), sorted by name. Observation details (numbers, timings) are not compared.
func Compare(a, b *Report) []Difference {
	av, bv := behaviours(a), behaviours(b)
	var out []Difference
	for k, x := range av {
		if y, ok := bv[k]; !ok || x.answer != y.answer {
			out = append(out, Difference{Behaviour: k, Question: x.question, A: x.answer, B: y.answer})
		}
	}
	for k, y := range bv {
		if _, ok := av[k]; !ok {
			out = append(out, Difference{Behaviour: k, Question: y.question, B: y.answer})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Behaviour < out[j].Behaviour })
	return out
}

type behaviour struct{ answer, question string }

func behaviours(r *Report) map[string]behaviour {
	m := map[string]behaviour{}
	for _, c := range r.Cases {
		m["case:"+c.Name] = behaviour{answer: string(c.Verdict), question: c.Doc}
	}
	for _, o := range r.Observations {
		answer := o.Answer
		if o.Knob != "" {
			answer += " => " + o.Knob + ": " + o.Value // the setting is behaviour too (a measured grace)
		}
		m["obs:"+o.Key] = behaviour{answer: answer, question: o.Question}
	}
	return m
}
