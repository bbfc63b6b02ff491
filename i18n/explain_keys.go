package i18n

// Keys of the explanation pane's border counters.
var (
	KeyExplainMore      = def("explain.more", "↓ {n} more: Tab to this pane, then ↓", "↓ 还有{n}行：按Tab切到本窗格后按↓")
	KeyExplainMoreShort = def("explain.moreshort", "↓ {n} more", "↓ 还有{n}行")
)
