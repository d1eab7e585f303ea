package model

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// Model is a trained logistic regression over Features.
type Model struct {
	Bias    float32
	Weights []float32 // one per bucket
}

// Logit is the log-odds that text is unhappy.
func (m *Model) Logit(text string) float64 {
	z := m.Bias
	Features(text, func(b uint32) { z += m.Weights[b] })
	return float64(z)
}

// Prob is the probability that text is unhappy.
func (m *Model) Prob(text string) float64 {
	return 1 / (1 + math.Exp(-m.Logit(text)))
}

// The weights file is the bias and a scale (float32, little endian), then
// one int8 per bucket: weight = int8 * scale. Quantising to a byte keeps
// the binary 256 KiB heavier, not 1 MiB, and moves no decision we measured.

// Encode writes m in the weights file format.
func (m *Model) Encode() []byte {
	var peak float32
	for _, w := range m.Weights {
		peak = max(peak, float32(math.Abs(float64(w))))
	}
	scale := peak / 127
	if scale == 0 {
		scale = 1
	}
	out := make([]byte, 8, 8+len(m.Weights))
	binary.LittleEndian.PutUint32(out[0:], math.Float32bits(m.Bias))
	binary.LittleEndian.PutUint32(out[4:], math.Float32bits(scale))
	for _, w := range m.Weights {
		out = append(out, byte(int8(math.Round(float64(w/scale)))))
	}
	return out
}

// Decode reads a weights file.
func Decode(b []byte) (*Model, error) {
	if len(b) != 8+buckets {
		return nil, fmt.Errorf("model: weights file has %d bytes, want %d", len(b), 8+buckets)
	}
	m := &Model{
		Bias:    math.Float32frombits(binary.LittleEndian.Uint32(b[0:])),
		Weights: make([]float32, buckets),
	}
	scale := math.Float32frombits(binary.LittleEndian.Uint32(b[4:]))
	for i, q := range b[8:] {
		m.Weights[i] = float32(int8(q)) * scale
	}
	return m, nil
}

//go:embed weights.bin
var weights []byte

// Unhappy is the shipped model, decoded on first use (a few ms: a console
// starting up needs it only for the first message it reads).
var Unhappy = sync.OnceValue(func() *Model {
	m, err := Decode(weights)
	if err != nil {
		panic(err) // the embedded file is built with the binary: a broken one is a build bug
	}
	return m
})
