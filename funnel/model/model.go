package model

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// Model is a trained logistic regression over Features, its weights
// quantised to a signed byte each: weight = q * scale. A byte per bucket
// keeps the table at 256 KiB, small enough to stay in the CPU's cache
// while a cold fetch reads thousands of messages, and moves no decision we
// measured.
type Model struct {
	bias, scale float32
	q           []int8
}

// New quantises weights (one per bucket) and bias into a Model.
func New(bias float32, weights []float32) *Model {
	if len(weights) != buckets {
		panic(fmt.Sprintf("model: %d weights, want %d", len(weights), buckets))
	}
	var peak float64
	for _, w := range weights {
		peak = max(peak, math.Abs(float64(w)))
	}
	m := &Model{bias: bias, scale: float32(peak / 127), q: make([]int8, buckets)}
	if m.scale == 0 {
		m.scale = 1
	}
	for i, w := range weights {
		m.q[i] = int8(math.Round(float64(w / m.scale)))
	}
	return m
}

// Logit is the log-odds that text is unhappy.
func (m *Model) Logit(text string) float64 {
	var sum int32
	Features(text, func(b uint32) { sum += int32(m.q[b]) })
	return float64(m.bias) + float64(m.scale)*float64(sum)
}

// Prob is the probability that text is unhappy.
func (m *Model) Prob(text string) float64 {
	return 1 / (1 + math.Exp(-m.Logit(text)))
}

// The weights file is the bias and the scale (float32, little endian), then
// one int8 per bucket.

// Encode writes m in the weights file format.
func (m *Model) Encode() []byte {
	out := make([]byte, 8, 8+buckets)
	binary.LittleEndian.PutUint32(out[0:], math.Float32bits(m.bias))
	binary.LittleEndian.PutUint32(out[4:], math.Float32bits(m.scale))
	for _, q := range m.q {
		out = append(out, byte(q))
	}
	return out
}

// Decode reads a weights file.
func Decode(b []byte) (*Model, error) {
	if len(b) != 8+buckets {
		return nil, fmt.Errorf("model: weights file has %d bytes, want %d", len(b), 8+buckets)
	}
	m := &Model{
		bias:  math.Float32frombits(binary.LittleEndian.Uint32(b[0:])),
		scale: math.Float32frombits(binary.LittleEndian.Uint32(b[4:])),
		q:     make([]int8, buckets),
	}
	for i, q := range b[8:] {
		m.q[i] = int8(q)
	}
	return m, nil
}

//go:embed weights.bin
var weights []byte

// Unhappy is the shipped model, decoded on first use (a console starting
// up needs it only for the first message it reads).
var Unhappy = sync.OnceValue(func() *Model {
	m, err := Decode(weights)
	if err != nil {
		panic(err) // the embedded file is built with the binary: a broken one is a build bug
	}
	return m
})
