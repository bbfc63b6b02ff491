package i18n

// Keys of the ui2 branch (ladder marks, the kernel's view per step).
var (
	KeyUI2LadderMarks = def("ui2.ladder.marks",
		"In the ladder, a mark after a state: * corrected by a later packet, ? inferred, ~ assumed.",
		"时序图中状态名后的标记：* 表示已被后面的包更正，? 表示推断，~ 表示假定。")
)
