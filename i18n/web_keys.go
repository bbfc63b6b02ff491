package i18n

// The exported web page (synfin export) and the corrected ladder of the
// diagram exports.
var (
	KeyLadderCorrected = def("ladder.corrected", "corrected", "已更正")
)
