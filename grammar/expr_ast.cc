#include "grammar/expr_ast.h"

#include <cctype>

namespace sluice {

Expr::Expr() = default;
Expr::Expr(ExprKind k) : kind(k) {}
Expr::~Expr() = default;
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;

TableRef::TableRef() = default;
TableRef::~TableRef() = default;
TableRef::TableRef(TableRef&&) noexcept = default;
TableRef& TableRef::operator=(TableRef&&) noexcept = default;

Select::Select() = default;
Select::~Select() = default;
Select::Select(Select&&) noexcept = default;
Select& Select::operator=(Select&&) noexcept = default;

std::string Expr::FunctionName() const {
  if (kind != ExprKind::kFunction || name.empty()) return "";
  std::string out = name.back().name;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void ForEachChild(const Expr& e, const std::function<void(const Expr&)>& fn) {
  if (e.operand) fn(*e.operand);
  for (const auto& a : e.args) {
    if (a) fn(*a);
  }
  if (e.else_expr) fn(*e.else_expr);
  for (const auto& o : e.order_by) fn(*o.expr);
  for (const auto& o : e.within_group) fn(*o.expr);
  if (e.filter) fn(*e.filter);
  if (e.over) {
    for (const auto& p : e.over->partition_by) fn(*p);
    for (const auto& o : e.over->order_by) fn(*o.expr);
  }
}

namespace {

ExprPtr CloneOpt(const ExprPtr& p) { return p ? CloneExpr(*p) : nullptr; }

std::vector<OrderItem> CloneOrder(const std::vector<OrderItem>& v) {
  std::vector<OrderItem> out;
  for (const auto& o : v) out.push_back(OrderItem{CloneOpt(o.expr), o.descending, o.nulls_first});
  return out;
}

TableRef CloneTable(const TableRef& t) {
  TableRef out;
  out.kind = t.kind;
  out.name = t.name;
  if (t.subquery) out.subquery = CloneSelect(*t.subquery);
  out.lateral = t.lateral;
  out.alias = t.alias;
  out.column_aliases = t.column_aliases;
  out.join_type = t.join_type;
  out.natural = t.natural;
  if (t.left) out.left = std::make_unique<TableRef>(CloneTable(*t.left));
  if (t.right) out.right = std::make_unique<TableRef>(CloneTable(*t.right));
  out.on = CloneOpt(t.on);
  out.using_columns = t.using_columns;
  return out;
}

}  // namespace

ExprPtr CloneExpr(const Expr& e) {
  auto out = std::make_unique<Expr>(e.kind);
  out->span = e.span;
  out->source = e.source;
  out->literal_kind = e.literal_kind;
  out->text = e.text;
  out->introducer = e.introducer;
  out->hex_number = e.hex_number;
  out->name = e.name;
  out->unary_op = e.unary_op;
  out->binary_op = e.binary_op;
  out->negated = e.negated;
  out->case_insensitive = e.case_insensitive;
  out->collation_dependent = e.collation_dependent;
  out->similar = e.similar;
  out->symmetric = e.symmetric;
  out->slice = e.slice;
  out->parens = e.parens;
  out->precision = e.precision;
  out->type = e.type;
  out->cast_syntax = e.cast_syntax;
  out->syntax = e.syntax;
  out->distinct = e.distinct;
  out->star = e.star;
  out->arg_names = e.arg_names;
  out->order_by = CloneOrder(e.order_by);
  out->separator = e.separator;
  out->within_group = CloneOrder(e.within_group);
  out->filter = CloneOpt(e.filter);
  if (e.over) {
    out->over = std::make_unique<WindowSpec>();
    out->over->ref_name = e.over->ref_name;
    for (const auto& p : e.over->partition_by) out->over->partition_by.push_back(CloneExpr(*p));
    out->over->order_by = CloneOrder(e.over->order_by);
    out->over->frame = e.over->frame;
  }
  out->operand = CloneOpt(e.operand);
  out->else_expr = CloneOpt(e.else_expr);
  for (const auto& a : e.args) out->args.push_back(CloneOpt(a));
  if (e.select) out->select = CloneSelect(*e.select);
  return out;
}

std::unique_ptr<Select> CloneSelect(const Select& s) {
  auto out = std::make_unique<Select>();
  out->kind = s.kind;
  out->span = s.span;
  out->source = s.source;
  for (const auto& c : s.with) {
    out->with.push_back(Cte{c.name, c.columns, c.query ? CloneSelect(*c.query) : nullptr});
  }
  out->recursive = s.recursive;
  out->distinct = s.distinct;
  for (const auto& i : s.items) out->items.push_back(SelectItem{CloneOpt(i.expr), i.alias});
  for (const auto& t : s.from) out->from.push_back(CloneTable(t));
  out->where = CloneOpt(s.where);
  for (const auto& g : s.group_by) out->group_by.push_back(CloneExpr(*g));
  out->having = CloneOpt(s.having);
  out->set_op = s.set_op;
  out->set_all = s.set_all;
  if (s.left) out->left = CloneSelect(*s.left);
  if (s.right) out->right = CloneSelect(*s.right);
  out->order_by = CloneOrder(s.order_by);
  out->limit = CloneOpt(s.limit);
  out->offset = CloneOpt(s.offset);
  return out;
}

ExprPtr MakeLiteral(LiteralKind kind, std::string text) {
  auto e = std::make_unique<Expr>(ExprKind::kLiteral);
  e->literal_kind = kind;
  e->text = std::move(text);
  return e;
}

ExprPtr MakeColumn(std::vector<Identifier> name) {
  auto e = std::make_unique<Expr>(ExprKind::kColumnRef);
  e->name = std::move(name);
  return e;
}

ExprPtr MakeFunction(std::string name, std::vector<ExprPtr> args) {
  auto e = std::make_unique<Expr>(ExprKind::kFunction);
  e->name.push_back(Identifier{std::move(name), false});
  e->arg_names.assign(args.size(), "");
  e->args = std::move(args);
  return e;
}

const char* BinaryOpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "add";
    case BinaryOp::kSub: return "sub";
    case BinaryOp::kMul: return "mul";
    case BinaryOp::kDiv: return "div";
    case BinaryOp::kIntDiv: return "intdiv";
    case BinaryOp::kMod: return "mod";
    case BinaryOp::kPow: return "pow";
    case BinaryOp::kBitAnd: return "bitand";
    case BinaryOp::kBitOr: return "bitor";
    case BinaryOp::kBitXor: return "bitxor";
    case BinaryOp::kShiftLeft: return "shl";
    case BinaryOp::kShiftRight: return "shr";
    case BinaryOp::kEq: return "eq";
    case BinaryOp::kNe: return "ne";
    case BinaryOp::kLt: return "lt";
    case BinaryOp::kLe: return "le";
    case BinaryOp::kGt: return "gt";
    case BinaryOp::kGe: return "ge";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
    case BinaryOp::kXor: return "xor";
    case BinaryOp::kConcat: return "concat";
    case BinaryOp::kJsonGet: return "json_get";
    case BinaryOp::kJsonGetText: return "json_get_text";
    case BinaryOp::kJsonPath: return "json_path";
    case BinaryOp::kJsonPathText: return "json_path_text";
    case BinaryOp::kContains: return "contains";
    case BinaryOp::kContainedBy: return "contained_by";
    case BinaryOp::kOverlaps: return "overlaps";
    case BinaryOp::kHasKey: return "has_key";
    case BinaryOp::kHasAnyKey: return "has_any_key";
    case BinaryOp::kHasAllKeys: return "has_all_keys";
  }
  return "?";
}

const char* ExprKindName(ExprKind k) {
  switch (k) {
    case ExprKind::kLiteral: return "literal";
    case ExprKind::kParam: return "param";
    case ExprKind::kColumnRef: return "column";
    case ExprKind::kStar: return "star";
    case ExprKind::kFunction: return "function";
    case ExprKind::kCurrent: return "current";
    case ExprKind::kUnary: return "unary";
    case ExprKind::kBinary: return "binary";
    case ExprKind::kCast: return "cast";
    case ExprKind::kConvertUsing: return "convert_using";
    case ExprKind::kCase: return "case";
    case ExprKind::kInList: return "in_list";
    case ExprKind::kInSubquery: return "in_subquery";
    case ExprKind::kQuantified: return "quantified";
    case ExprKind::kBetween: return "between";
    case ExprKind::kLike: return "like";
    case ExprKind::kRegex: return "regex";
    case ExprKind::kIsNull: return "is_null";
    case ExprKind::kIsBool: return "is_bool";
    case ExprKind::kIsDistinct: return "is_distinct";
    case ExprKind::kSubquery: return "subquery";
    case ExprKind::kExists: return "exists";
    case ExprKind::kArray: return "array";
    case ExprKind::kRow: return "row";
    case ExprKind::kSubscript: return "subscript";
    case ExprKind::kInterval: return "interval";
    case ExprKind::kCollate: return "collate";
    case ExprKind::kAtTimeZone: return "at_time_zone";
  }
  return "?";
}

}  // namespace sluice
