"""Typed edges: the pydantic models of every output of the public contract (the inputs are in ``_models``).

Outputs are deeply immutable: frozen models whose lists are tuples, so that an answer handed to one
caller can never be changed by another (the engine shares memoised parts between answers). They are built
on first use (``_models`` hands them out lazily): a command line that prints JSON answers never needs them.
"""

import datetime as dt
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ._facts import Attribute, NoticeType
from ._models import codes


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


_BASIS = "依据：法规、条、款、项与条文原文 / the legal basis: instrument, article, paragraph, item and text"
_TRACE = "作出结论的规则编号，按顺序 / the ids of the rules that decided, in order"
_ID_OUT = "输入的 id，原样返回（输入没有时省略）/ the input's id, echoed (left out when it had none)"


class CitationOut(_Out):
    """一处引用：法规的条、款、项及其原文 / One citation: an article, paragraph or item and its text."""

    regulation: str = Field(description="法规编号（ogi-2019、ogi-2008、规则包的本机关制度…）/ the instrument's id",
                            json_schema_extra=codes("statute"))
    article: int = Field(description="条 / article")
    paragraph: Optional[int] = Field(default=None, description="款；null 表示整条 / paragraph; null: the whole article")
    item: Optional[int] = Field(default=None, description="项；null 表示整款或整条 / item; null: the whole paragraph or article")
    text: str = Field(description="所引条文的原文（verbatim 为 false 时是摘要）/ the text cited (a summary where "
                                  "verbatim is false)")
    label: str = Field(default="", description="中文标注，如《中华人民共和国政府信息公开条例（2019年修订）》第十五条 / "
                                       "the citation written out in Chinese")
    verbatim: bool = Field(default=True, description="text 是否为原文 / whether text is the wording itself")


class ItemDecision(_Out):
    """一项所申请信息的处理结果 / The answer for one item asked for."""

    disposition: str = Field(description="该项的处理结果代码（年度报告表的一行）/ the item's disposition code "
                                         "(a row of the annual report)", json_schema_extra=codes("disposition"))
    basis: tuple[CitationOut, ...] = Field(description=_BASIS)
    actions: tuple[str, ...] = Field(default=(), description="该项须先做的事（如征求第三方意见）/ what the agency must do "
                                                     "for it first", json_schema_extra=codes("action"))
    trace: tuple[str, ...] = Field(default=(), description=_TRACE)


class DeadlineStep(_Out):
    """期限计算中的一天（--explain）/ One day of the deadline count (``--explain``)."""

    date: dt.date = Field(description="日期 / the day")
    counted: bool = Field(description="是否计入期限 / whether it counts")
    count: Optional[int] = Field(default=None, description="计入的第几个工作日 / the running count of working days counted")
    reason: str = Field(description="计入或跳过的原因 / why it counts or not", json_schema_extra=codes("explain_reason"))
    name: Optional[str] = Field(default=None, description="节假日名称，如国庆节 / the holiday's name")
    source: Optional[str] = Field(default=None, description="日历数据的出处（放假通知）/ where the calendar has it from")
    basis: Optional[str] = Field(default=None, description="其依据的引用键，如 ogi-2019:33:p2 / the citation behind it")


class Deadline(_Out):
    """答复期限（工作日，第三十三条）/ The reply deadline in working days (art. 33)."""

    received_on: dt.date = Field(description="收到申请之日（第三十一条）/ the legal receipt date (art. 31)")
    reply_period_starts: Optional[dt.date] = Field(default=None, description="答复期限起算之日（补正后为收到补正之日）/ the "
                                                                     "day the reply period starts (after a 补正, its receipt)")
    due: Optional[dt.date] = Field(default=None, description="答复期限，不计征求意见时间，不含延长 / the reply deadline, "
                                                     "consultation time excluded, without extension")
    extended_due: Optional[dt.date] = Field(default=None, description="最长延长后的期限 / the latest date with the longest "
                                                              "extension allowed")
    correction_notice_by: Optional[dt.date] = Field(default=None, description="应告知补正的期限（7个工作日）/ while a 补正 "
                                                                      "notice is owed: its deadline (7 working days)")
    provisional: bool = Field(default=False, description="日期取决于尚无官方放假通知的年份 / the dates depend on a year "
                                                 "without an official holiday notice in the calendar data")
    calendar: str = Field(default="cn", description="所用工作日日历 / the working-day calendar used",
                          json_schema_extra=codes("calendar"))
    excluded_days: int = Field(default=0, description="不计入期限的征求意见工作日数 / working days of consultation not counted")
    explain: Optional[tuple[DeadlineStep, ...]] = Field(default=None, description="逐日计算过程（--explain 时）/ the count "
                                                                          "day by day (with --explain)")


class Decision(_Out):
    """对依申请公开申请的决定：处理结果、依据、期限与作出决定的规则 / A decision on a disclosure request:
    what to do, why, by when, and which rules decided."""

    id: Optional[str] = Field(default=None, description=_ID_OUT)
    jurisdiction: str = Field(default="cn", description="所适用的规则包 / the rule pack applied",
                              json_schema_extra=codes("jurisdiction"))
    disposition: str = Field(description="处理结果代码 = 年度报告“收到和处理政府信息公开申请情况”表的一行 / "
                                         "the disposition: a row of the annual report's table",
                             json_schema_extra=codes("disposition"))
    final: bool = Field(description="是否已可作出答复（pending 时为 false）/ false while the case waits for a step")
    regime: str = Field(description="收到申请之日施行的条例版本 / the regulation in force on the receipt date",
                        json_schema_extra=codes("regime"))
    basis: tuple[CitationOut, ...] = Field(description=_BASIS)
    actions: tuple[str, ...] = Field(description="行政机关须做的事（如补正、征求第三方意见）/ what the agency must do",
                                     json_schema_extra=codes("action"))
    deadline: Deadline = Field(description="答复期限 / the reply deadline")
    items: tuple[ItemDecision, ...] = Field(description="每一项所申请信息的处理结果，与输入顺序一致 / one answer per "
                                                        "input item, in order")
    trace: tuple[str, ...] = Field(description=_TRACE)
    warnings: tuple[str, ...] = Field(default=(), description="提示代码（如补正告知晚于7个工作日）/ warning codes",
                                      json_schema_extra=codes("decide_warning"))


class CaseDeadline(Deadline):
    """案件的答复期限：``decide`` 的期限，另加当日有约束力的一个 / The reply deadline of a case: decide's, plus the
    date that binds on ``as_of``."""

    applies: Optional[dt.date] = Field(default=None, description="当日有约束力的答复期限：告知的第三十五条期限；在原期限内"
                                                                  "批准延长的，延长后的期限；否则 due；等待补正时为 null / "
                                                                  "the binding date on as_of (null while awaiting a 补正)")


class CaseStep(_Out):
    """下一步：做什么、最迟何日、依据 / What must happen next, by when, under which articles."""

    action: str = Field(description="下一步 / the next step: send_correction_notice · await_correction · "
                                    "await_consultation_reply · await_payment · reply", json_schema_extra=codes("case_step"))
    by: Optional[dt.date] = Field(default=None, description="最迟之日 / by this day")
    basis: tuple[str, ...] = Field(default=(), description="所依据的条文编号 / citation keys")


class CaseClosed(_Out):
    """结案 / How the case closed."""

    on: dt.date = Field(description="结案之日 / the day it closed")
    disposition: str = Field(description="年度报告的行（处理结果代码）/ the annual-report row",
                             json_schema_extra=codes("disposition"))


class CaseViolation(_Out):
    """违法情形：迟了的行为及所违反的条款 / A late act and the article it breaks."""

    code: str = Field(description="违法情形 / the violation: correction_notice_late · second_correction_request · "
                                  "extension_after_due · reply_late · fee_notice_late", json_schema_extra=codes("case_violation"))
    on: dt.date = Field(description="迟了的行为发生之日 / the day of the late act")
    basis: tuple[str, ...] = Field(default=(), description="所违反的条文编号 / citation keys")


class FeeTier(_Out):
    """信息处理费的一档 / One charged band of the fee."""

    from_: int = Field(alias="from", description="自第几件（页），含 / from piece (page), inclusive")
    to: int = Field(description="至第几件（页），含 / to piece (page), inclusive")
    rate: float = Field(description="元/件或元/页 / yuan per piece or page")
    subtotal: float = Field(description="本档金额（元）/ this band's amount in yuan")


class Fee(_Out):
    """信息处理费（超额累进）/ The information-processing fee (progressive bands)."""

    amount: float = Field(description="金额（元），不收费为 0 / the amount in yuan, 0 when nothing is charged")
    tiers: tuple[FeeTier, ...] = Field(default=(), description="收费的各档 / the charged bands")
    basis: tuple[str, ...] = Field(default=(), description="所依据的条文编号 / citation keys")
    waived: bool = Field(default=False, description="机关决定不收取（减免）/ the agency waived the fee")


class Remedy(_Out):
    """答复书、告知书中的救济条款 / The remedy clause of a notice (CONTRACT.md ``notice``)."""

    law: str = Field(description="所适用的行政复议法：行政复议法(2017) 或 行政复议法(2023)（按文书日期）/ the review law "
                                 "in force on the document's date", json_schema_extra=codes("remedy_law"))
    review_first: bool = Field(description="须先申请行政复议，才能起诉 / review must come before a suit")
    review_bodies: tuple[str, ...] = Field(description="复议机关（可选其一）/ the review bodies (any one)")
    review_days: int = Field(description="申请行政复议的期限（日，自收到文书之日起）/ days to apply for review")
    suit_months: Optional[int] = Field(default=None, description="直接起诉的期限（月）；须先复议或法院不受理时为 null / "
                                                                 "months to sue directly, or null")
    suit_days_after_review: int = Field(description="收到复议决定后起诉的期限（日）/ days to sue after the review decision")
    basis: tuple[str, ...] = Field(default=(), description="所依据的条文编号 / citation keys")


class Notice(_Out):
    """一份文书 / One document a case calls for (CONTRACT.md ``notice``)."""

    id: Optional[str] = Field(default=None, description=_ID_OUT)
    type: NoticeType = Field(description="文书种类 / the document: reply · correction · extension · consultation · fee · "
                                         "third_party_disclosure")
    title: str = Field(description="文书标题 / the document's title")
    to: str = Field(description="收件人 / the addressee")
    issued_on: dt.date = Field(description="文书日期（决定所适用的行政复议法）/ the document's date")
    text: str = Field(description="文书全文（纯文本）/ the whole document as plain text")
    basis: tuple["CitationOut", ...] = Field(default=(), description=_BASIS)
    remedy: Optional[Remedy] = Field(default=None, description="救济条款；补正、延期、征求意见、收费文书为 null / the "
                                                               "remedy clause, or null")
    body: tuple[str, ...] = Field(default=(), description="正文各段（不含标题、称谓与落款）/ the body's paragraphs")
    signer: str = Field(description="落款的机关 / the signing agency")
    issued_text: str = Field(description="落款的日期，如 2026年3月20日 / the date as printed")
    fill_in: tuple[str, ...] = Field(default=(), description="须由经办人填写之处（文中印作【请填写：…】）/ the blanks the "
                                                             "clerk must fill in")
    legal_review: Optional[str] = Field(default=None, description="措辞须经法律审核的说明（无官方范本时）/ why the "
                                                                  "wording must be reviewed by a lawyer, or null")


class CaseState(_Out):
    """一件申请在 as_of 当日的情况 / Where a case stands on its ``as_of``."""

    id: Optional[str] = Field(default=None, description=_ID_OUT)
    status: str = Field(description="案件状态 / the case's status: closed · awaiting_correction · awaiting_fee · consulting · "
                                    "open", json_schema_extra=codes("case_status"))
    decision: Decision = Field(description="按事件给出的事实作出的决定 / the decision for the facts the events give")
    deadline: CaseDeadline = Field(description="答复期限 / the reply deadline")
    working_days_left: Optional[int] = Field(default=None, description="距 applies 的工作日数，逾期为负；不计期限时为 null / "
                                                                       "working days to applies, negative when late")
    overdue: bool = Field(description="未结案且已过 applies / not closed and past applies")
    next: tuple[CaseStep, ...] = Field(default=(), description="下一步，按顺序 / what must happen next, in order")
    closed: Optional[CaseClosed] = Field(default=None, description="结案；null 表示未结案 / the closing, or null")
    violations: tuple[CaseViolation, ...] = Field(default=(), description="违法情形，按日期 / late acts, by date")
    fee: Optional[Fee] = Field(default=None, description="信息处理费；未给 fee_basis 时为 null / the fee, or null")


# ---------------------------------------------------------------- the docket (many cases on one day)

class DocketCase(_Out):
    """案件清单中的一件案件（在清单的 as_of 当日）/ One case on the docket, as it stands on the docket's ``as_of``."""

    line: int = Field(description="在输入中的行号（从 1 起，空行也计数）/ its line in the input (from 1, blank lines counted)")
    id: Optional[str] = Field(default=None, description="案件的 id / the case's id")
    applicant: Optional[str] = Field(default=None, description="申请人编号（applicant.id）；没有时为 null / the applicant's id")
    status: str = Field(description="案件状态（同 zwgk case）/ the case's status, as zwgk case gives it")
    received_on: dt.date = Field(description="收到申请之日（第三十一条）/ the legal receipt date (art. 31)")
    applies: Optional[dt.date] = Field(default=None, description="当日有约束力的答复期限（deadline.applies）；等待补正时为 null / "
                                                                 "the binding reply date (null while awaiting a 补正)")
    working_days_left: Optional[int] = Field(default=None, description="距 applies 的工作日数，逾期为负；不计期限时为 null / "
                                                                       "working days to applies, negative when late")
    days_overdue: Optional[int] = Field(default=None, description="逾期的工作日数：applies 之后至 as_of（含）的工作日；未逾期为 "
                                                                  "null / working days after applies up to and including "
                                                                  "as_of; null when not overdue")
    waiting_until: Optional[dt.date] = Field(default=None, description="等待到何日：补正期限（最后一日为休假日的顺延）、缴费期限、"
                                                                       "征求意见期限（几个时取最晚的）；不在等待时为 null / the "
                                                                       "day the wait ends (the latest of several); null "
                                                                       "when not waiting")
    next: tuple[CaseStep, ...] = Field(default=(), description="下一步，按顺序（同 zwgk case）/ what must happen next, in order")


class DocketCount(_Out):
    """一个状态或一个处理结果的件数 / How many cases have one status or closed with one disposition."""

    code: str = Field(description="状态代码或处理结果代码 / the status or disposition code")
    label: str = Field(description="中文名称 / the code in words")
    count: int = Field(description="件数 / the number of cases")


class DocketPiece(_Out):
    """一件申请在申请人当月累计件数中的位置 / One request's place in its applicant's pieces of the month."""

    line: int = Field(description="在输入中的行号 / its line in the input")
    id: Optional[str] = Field(default=None, description="案件的 id / the case's id")
    received_on: dt.date = Field(description="收到申请之日 / the legal receipt date")
    pieces: int = Field(description="本申请计几件 / the pieces this request counts")
    counted_by: Literal["fee_basis", "items", "request"] = Field(
        description="件数从何而来：fee_basis.pieces；items 为每项所申请的信息一件；request 为一份申请一件 / where the count "
                    "comes from: fee_basis.pieces, one per item, or one per request (fees.yaml pieces_when_not_given)")
    first: int = Field(description="本申请在当月累计中的第一件（从 1 起）/ its first piece in the month's count, from 1")
    last: int = Field(description="本申请在当月累计中的最后一件；计 0 件时为 first − 1 / its last piece (first − 1 when it "
                                  "counts none)")
    fee: Optional[float] = Field(default=None, description="这些件按收到之日施行的按件计收标准应收的信息处理费（元）；没有收费标准"
                                                           "时为 null / the per-piece fee these pieces attract by the bands in "
                                                           "force on the receipt date, in yuan; null where none are")


class DocketMonth(_Out):
    """同一申请人一个自然月内累计申请的件数与按件计收的信息处理费（信息处理费管理办法第四条）/ An applicant's pieces in one
    natural month of receipt, and the per-piece fee they attract (超额累进)."""

    applicant: str = Field(description="申请人编号（applicant.id）/ the applicant's id")
    month: str = Field(description="收到申请的自然月，YYYY-MM / the natural month of the receipt dates")
    pieces: int = Field(description="当月累计件数 / the pieces of the month")
    fee: Optional[float] = Field(default=None, description="当月各件按件计收的信息处理费合计（元）；有一件没有收费标准时为 null / "
                                                           "the month's per-piece fee in yuan; null where a request has no "
                                                           "bands in force")
    cases: tuple[DocketPiece, ...] = Field(description="当月的各件申请，按收到之日（同日按行号）/ the month's requests, by "
                                                       "receipt date (one day's by line)")
    basis: tuple[str, ...] = Field(default=(), description="所依据的条文编号 / citation keys")


class DocketError(_Out):
    """清单中无效的一行：不丢弃，列出 / An invalid line of the docket's input: listed, not dropped."""

    line: int = Field(description="在输入中的行号 / its line in the input")
    id: Optional[str] = Field(default=None, description="该行给出的 id（能读出时）/ the id the line gives, where it can be read")
    field: Optional[str] = Field(default=None, description="出错的字段（点分路径，如 events.2.ref）；null 表示整行 / the "
                                                           "offending field, dotted; null: the whole line")
    message: str = Field(description="说明（中文，附英文）/ what is wrong, in Chinese with English")


class Docket(_Out):
    """案件清单：许多案件在同一日的情况，供经办人每日查看 / The clerk's daily list: many cases as they stand on one day
    (``zwgk docket``)."""

    as_of: dt.date = Field(description="清单之日：每件案件都按此日（不用案件自己的 as_of；其后的事件不计）/ the docket's "
                                       "day: every case is taken as of it (its own as_of is ignored)")
    within: int = Field(description="“即将到期”看多少个工作日（不是法定期限，命令行的默认值）/ how many working days ahead "
                                    "'due soon' looks (not a legal period)")
    lines: int = Field(description="读入的案件数（含无效的）/ the cases read, invalid ones included")
    overdue: tuple[DocketCase, ...] = Field(default=(), description="逾期：未结案且已过 applies，逾期最久的在前 / open cases "
                                                                    "past their binding date, the latest first")
    due_soon: tuple[DocketCase, ...] = Field(default=(), description="即将到期：未结案、未逾期，剩余工作日为 0（当日到期）至 "
                                                                     "within，按日期 / open cases due within `within` "
                                                                     "working days, by date")
    waiting_applicant: tuple[DocketCase, ...] = Field(default=(), description="等待申请人：等待补正、等待缴费，按等待到的日期 / "
                                                                              "waiting for the applicant, by the day "
                                                                              "the wait ends")
    waiting_consulted: tuple[DocketCase, ...] = Field(default=(), description="等待被征求意见的第三方或机关，按等待到的日期 / "
                                                                              "waiting for a consulted third party or "
                                                                              "agency, by the day the wait ends")
    not_yet_received: tuple[DocketCase, ...] = Field(default=(), description="收到申请之日晚于 as_of 的案件（不计入其他各部分）"
                                                                             " / cases received after as_of (in no "
                                                                             "other section)")
    by_status: tuple[DocketCount, ...] = Field(default=(), description="各状态的件数（已收到的有效案件，每件计一次）/ cases "
                                                                       "per status (each valid case received by as_of, once)")
    closed_by_disposition: tuple[DocketCount, ...] = Field(default=(), description="已结案的，按结案的处理结果 / the closed "
                                                                                   "cases per closing disposition")
    pieces: tuple[DocketMonth, ...] = Field(default=(), description="按申请人、收到申请的自然月累计的件数与信息处理费，按月份、"
                                                                    "申请人 / pieces per applicant and natural month, "
                                                                    "with the per-piece fee")
    no_applicant: tuple[DocketCase, ...] = Field(default=(), description="没有申请人编号、不能累计件数的案件 / cases without "
                                                                         "applicant.id, which cannot be counted per "
                                                                         "applicant")
    errors: tuple[DocketError, ...] = Field(default=(), description="无效的行，按行号（清单不丢弃任何一行）/ the invalid "
                                                                    "lines, by line (a docket drops nothing)")


class ErrorOut(_Out):
    """无法处理的原因 / Why the input could not be handled."""

    message: str = Field(description="说明（中文，附英文）/ what is wrong, in Chinese with English")
    field: Optional[str] = Field(default=None, description="出错的输入字段（点分路径，如 submission.channel）；null 表示整行 / "
                                                   "the offending input field, dotted; null: the whole line")


class ErrorLine(_Out):
    """命令行对无法处理的输入行的答复 / What the command line prints for an input it cannot handle."""

    error: ErrorOut = Field(description="错误 / the error")


class ReviewStep(_Out):
    """公开前审查流程的一步 / One step of the review before publication."""

    step: str = Field(description="审查步骤代码 / the step", json_schema_extra=codes("review_step"))
    role: Optional[str] = Field(default=None, description="由谁办理 / who acts")
    basis: tuple[CitationOut, ...] = Field(description=_BASIS)


class Classification(_Out):
    """公文的公开属性、依据、发布期限与审查流程 / The disclosure attribute of a document, its basis,
    publication deadline and review route."""

    id: Optional[str] = Field(default=None, description=_ID_OUT)
    jurisdiction: str = Field(default="cn", description="所适用的规则包 / the rule pack applied",
                              json_schema_extra=codes("jurisdiction"))
    doc_type: str = Field(description="文种（输入的或从标题认出的）/ the document type (given or read from the title)",
                          json_schema_extra=codes("doc_type"))
    attribute: Attribute = Field(description="公开属性：主动公开、依申请公开、不予公开 / the disclosure attribute")
    basis: tuple[CitationOut, ...] = Field(description=_BASIS)
    publish_by: Optional[dt.date] = Field(default=None, description="主动公开的最后期限（第二十六条）；其他属性为 null / "
                                                            "for proactive documents, the last day to publish (art. 26)")
    provisional: bool = Field(default=False, description="日期取决于尚无官方放假通知的年份 / the date depends on a year "
                                                 "without an official holiday notice")
    reason_required: bool = Field(description="须说明不主动公开的理由 / a reason must be recorded for not "
                                              "publishing it proactively")
    review: tuple[ReviewStep, ...] = Field(description="公开前的审查流程，按顺序 / the review route, in order")
    periods: tuple["Period", ...] = Field(default=(), description="规则包规定的其他期限 / further periods the pack sets")
    warnings: tuple[str, ...] = Field(default=(), description="提示代码 / warning codes", json_schema_extra=codes("classify_warning"))
    trace: tuple[str, ...] = Field(default=(), description=_TRACE)


class Period(_Out):
    """国家规定留给地方的期限在本规则包中的取值 / A period the national law leaves to local rules, as this
    pack sets it."""

    kind: str = Field(description="期限的种类 / which period", json_schema_extra=codes("period_kind"))
    min_days: Optional[int] = Field(default=None, description="至少的天数 / the minimum number of days")
    max_days: Optional[int] = Field(default=None, description="至多的天数 / the maximum number of days")
    unit: str = Field(description="天数的单位（工作日或自然日）/ the unit of the days", json_schema_extra=codes("unit"))
    basis: tuple[CitationOut, ...] = Field(description=_BASIS)


class MessageRouting(_Out):
    """留言的办理科室、流程与答复期限 / Where a message goes and by when it must be answered."""

    id: Optional[str] = Field(default=None, description=_ID_OUT)
    jurisdiction: str = Field(description="所适用的规则包 / the rule pack applied",
                              json_schema_extra=codes("interaction_jurisdiction"))
    kind: str = Field(description="留言类别 / the kind of message", json_schema_extra=codes("message_kind"))
    label: str = Field(description="类别名称 / the kind's name")
    office: Optional[str] = Field(default=None, description="办理科室 / the office that handles it")
    route: tuple[str, ...] = Field(default=(), description="办理流程，按顺序 / the route, in order")
    due: dt.date = Field(description="答复期限 / the reply deadline")
    earliest: Optional[dt.date] = Field(default=None, description="期限为区间时的下限 / the lower end where the period is a range")
    extended_due: Optional[dt.date] = Field(default=None, description="延长后的期限 / the deadline when extended")
    provisional: bool = Field(default=False, description="日期取决于尚无官方放假通知的年份 / the date depends on a year "
                                                 "without an official holiday notice")
    basis: tuple[CitationOut, ...] = Field(description=_BASIS)
    note: Optional[str] = Field(default=None, description="说明 / a note")

