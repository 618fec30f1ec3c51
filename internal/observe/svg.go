package observe

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// Chart colours: one per severity, and a palette for series.
const (
	ColorError   = "#d62728"
	ColorWarning = "#ff7f0e"
	ColorUsed    = "#1f77b4"
	ColorFree    = "#dfe7f1"
)

var palette = []string{"#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"}

// Bar is one row of a horizontal bar chart: segments stacked from the
// left, against Max (0: the largest row total).
type Bar struct {
	Label    string
	Segments []Segment
	Max      float64
	Note     string // printed right of the bar
}

// Segment is one coloured part of a bar.
type Segment struct {
	Value float64
	Color string
	Title string // tooltip
}

// BarChart renders horizontal stacked bars as an inline SVG document.
func BarChart(title string, bars []Bar) string {
	const width, labelW, noteW, rowH, top = 720.0, 200.0, 150.0, 26.0, 30.0
	plotW := width - labelW - noteW
	scale := 0.0
	for _, b := range bars {
		total := b.Max
		if total == 0 {
			for _, s := range b.Segments {
				total += s.Value
			}
		}
		scale = math.Max(scale, total)
	}
	if scale == 0 {
		scale = 1
	}
	height := top + rowH*float64(max(len(bars), 1)) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`, width, height, width, height)
	fmt.Fprintf(&b, `<title>%s</title><text x="0" y="18" class="chart-title">%s</text>`, html.EscapeString(title), html.EscapeString(title))
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="%.0f" class="chart-empty">nothing to show</text>`, top+16)
	}
	for i, bar := range bars {
		y := top + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" class="chart-label">%s</text>`, labelW-8, y+15, html.EscapeString(bar.Label))
		if bar.Max > 0 {
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.0f" fill="%s"/>`, labelW, y+3, plotW*bar.Max/scale, rowH-8, ColorFree)
		}
		x := labelW
		for _, s := range bar.Segments {
			w := plotW * s.Value / scale
			if w <= 0 {
				continue
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.0f" fill="%s"><title>%s</title></rect>`, x, y+3, w, rowH-8, s.Color, html.EscapeString(s.Title))
			x += w
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" class="chart-note">%s</text>`, labelW+plotW+8, y+15, html.EscapeString(bar.Note))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// LineChart renders series over time as an inline SVG document.
func LineChart(title string, series []Series) string {
	const width, height, left, right, top, bottom = 720.0, 240.0, 60.0, 10.0, 30.0, 40.0
	plotW, plotH := width-left-right, height-top-bottom
	var t0, t1 time.Time
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, p := range s.Points {
			if t0.IsZero() || p.Time.Before(t0) {
				t0 = p.Time
			}
			if p.Time.After(t1) {
				t1 = p.Time
			}
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f">`, width, height+16*float64(len(series)), width, height+16*float64(len(series)))
	fmt.Fprintf(&b, `<title>%s</title><text x="0" y="18" class="chart-title">%s</text>`, html.EscapeString(title), html.EscapeString(title))
	if math.IsInf(lo, 1) {
		fmt.Fprintf(&b, `<text x="0" y="%.0f" class="chart-empty">no data</text></svg>`, top+16)
		return b.String()
	}
	if hi == lo {
		hi, lo = hi+1, math.Min(lo, 0)
	}
	span := t1.Sub(t0).Seconds()
	if span == 0 {
		span = 1
	}
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#999"/>`, left, top, plotW, plotH)
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		y := top + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" class="chart-label">%s</text><line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#eee"/>`,
			left-4, y+4, html.EscapeString(shortNumber(v)), left, left+plotW, y, y)
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" class="chart-label">%s</text><text x="%.0f" y="%.0f" text-anchor="end" class="chart-label">%s</text>`,
		left, top+plotH+16, t0.UTC().Format("15:04:05"), left+plotW, top+plotH+16, t1.UTC().Format("15:04:05 MST"))
	for i, s := range series {
		color := palette[i%len(palette)]
		pts := make([]string, len(s.Points))
		for j, p := range s.Points {
			x := left + plotW*p.Time.Sub(t0).Seconds()/span
			y := top + plotH - plotH*(p.Value-lo)/(hi-lo)
			pts[j] = fmt.Sprintf("%.1f,%.1f", x, y)
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color, strings.Join(pts, " "))
		if len(pts) <= 30 { // few points: mark each, so that one point shows
			for _, p := range pts {
				x, y, _ := strings.Cut(p, ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`, x, y, color)
			}
		}
		ly := height + 16*float64(i) - 8
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="12" height="4" fill="%s"/><text x="%.0f" y="%.0f" class="chart-label">%s</text>`,
			left, ly-4, color, left+18, ly, html.EscapeString(s.Key()))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func shortNumber(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return fmt.Sprintf("%.1fG", v/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
