using System.Globalization;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>The expression half of the parser: precedence climbing from conditional expressions down to literals.</summary>
internal sealed partial class JinjaParser
{
    private Expr ParseTuple(bool withCondition = true)
    {
        var start = Current;
        var first = withCondition ? ParseExpression() : ParseOr();
        if (!IsOp(","))
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (SkipOp(","))
        {
            if (Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd || IsName("in") || IsName("if"))
            {
                break;
            }

            items.Add(withCondition ? ParseExpression() : ParseOr());
        }

        return new ListExpr(start.Position, items, tuple: true);
    }

    private Expr ParseExpression()
    {
        if (++nesting > MaxNesting)
        {
            throw Error("expression nested too deeply", Current);
        }

        try
        {
            var start = Current;
            var expression = ParseOr();
            while (SkipName("if"))
            {
                var condition = ParseOr();
                Expr? otherwise = SkipName("else") ? ParseExpression() : null;
                expression = new ConditionalExpr(start.Position, expression, condition, otherwise);
            }

            return expression;
        }
        finally
        {
            nesting--;
        }
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (IsName("or"))
        {
            var op = Next();
            left = new OrExpr(op.Position, left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (IsName("and"))
        {
            var op = Next();
            left = new AndExpr(op.Position, left, ParseNot());
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (IsName("not"))
        {
            var op = Next();
            return new NotExpr(op.Position, ParseNot());
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var start = Current;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOperators.Contains(Current.Value))
            {
                var op = Next().Value;
                rest.Add((op, ParseMath1()));
            }
            else if (SkipName("in"))
            {
                rest.Add(("in", ParseMath1()));
            }
            else if (IsName("not") && tokens[at + 1] is { Kind: TokenKind.Name, Value: "in" })
            {
                at += 2;
                rest.Add(("not in", ParseMath1()));
            }
            else
            {
                break;
            }
        }

        return rest.Count == 0 ? first : new CompareExpr(start.Position, first, rest);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (IsOp("+") || IsOp("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Position, op.Value, left, ParseConcat());
        }

        return left;
    }

    private Expr ParseConcat()
    {
        var start = Current;
        var first = ParseMath2();
        if (!IsOp("~"))
        {
            return first;
        }

        var parts = new List<Expr> { first };
        while (SkipOp("~"))
        {
            parts.Add(ParseMath2());
        }

        return new ConcatExpr(start.Position, parts);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%"))
        {
            var op = Next();
            left = new BinaryExpr(op.Position, op.Value, left, ParsePow());
        }

        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (IsOp("**"))
        {
            var op = Next();
            left = new BinaryExpr(op.Position, op.Value, left, ParseUnary(withFilter: true));
        }

        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        if (++nesting > MaxNesting)
        {
            throw Error("expression nested too deeply", Current);
        }

        try
        {
            Expr node;
            if (IsOp("-") || IsOp("+"))
            {
                var op = Next();
                node = new NegateExpr(op.Position, ParseUnary(withFilter: false), op.Value == "-");
            }
            else
            {
                node = ParsePrimary();
            }

            node = ParsePostfix(node);
            return withFilter ? ParseFilterAndTests(node) : node;
        }
        finally
        {
            nesting--;
        }
    }

    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Name:
                switch (token.Value)
                {
                    case "true" or "True":
                        return new LiteralExpr(token.Position, true);
                    case "false" or "False":
                        return new LiteralExpr(token.Position, false);
                    case "none" or "None":
                        return new LiteralExpr(token.Position, null);
                }

                Referenced.Add(token.Value);
                return new NameExpr(token.Position, token.Value);
            case TokenKind.String:
                var text = token.Value;
                while (Current.Kind == TokenKind.String)
                {
                    text += Next().Value;
                }

                return new LiteralExpr(token.Position, text);
            case TokenKind.Integer:
                return long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var whole)
                    ? new LiteralExpr(token.Position, whole)
                    : throw Error("integer literal too large", token);
            case TokenKind.Float:
                return new LiteralExpr(token.Position, double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Operator when token.Value == "(":
                if (SkipOp(")"))
                {
                    return new ListExpr(token.Position, [], tuple: true);
                }

                var inner = ParseExpression();
                if (IsOp(","))
                {
                    var items = new List<Expr> { inner };
                    while (SkipOp(",") && !IsOp(")"))
                    {
                        items.Add(ParseExpression());
                    }

                    inner = new ListExpr(token.Position, items, tuple: true);
                }

                ExpectOp(")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                var list = new List<Expr>();
                while (!SkipOp("]"))
                {
                    if (list.Count > 0)
                    {
                        ExpectOp(",");
                        if (SkipOp("]"))
                        {
                            break;
                        }
                    }

                    list.Add(ParseExpression());
                }

                return new ListExpr(token.Position, list, tuple: false);
            case TokenKind.Operator when token.Value == "{":
                var pairs = new List<(Expr, Expr)>();
                while (!SkipOp("}"))
                {
                    if (pairs.Count > 0)
                    {
                        ExpectOp(",");
                        if (SkipOp("}"))
                        {
                            break;
                        }
                    }

                    var key = ParseExpression();
                    ExpectOp(":");
                    pairs.Add((key, ParseExpression()));
                }

                return new DictExpr(token.Position, pairs);
            default:
                throw Error($"unexpected {Describe(token)}", token);
        }
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var token = Current;
            if (SkipOp("."))
            {
                var name = Next();
                node = name.Kind switch
                {
                    TokenKind.Name => new AttributeExpr(token.Position, node, name.Value),
                    TokenKind.Integer => new ItemExpr(token.Position, node, new LiteralExpr(name.Position, long.Parse(name.Value, CultureInfo.InvariantCulture))),
                    _ => throw Error($"expected an attribute name, got {Describe(name)}", name),
                };
            }
            else if (SkipOp("["))
            {
                node = ParseSubscript(token, node);
            }
            else if (SkipOp("("))
            {
                node = new CallExpr(token.Position, node, ParseCallArgs());
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(Token open, Expr target)
    {
        Expr? start = IsOp(":") ? null : ParseExpression();
        if (!SkipOp(":"))
        {
            ExpectOp("]");
            return new ItemExpr(open.Position, target, start!);
        }

        Expr? stop = IsOp(":") || IsOp("]") ? null : ParseExpression();
        Expr? step = null;
        if (SkipOp(":") && !IsOp("]"))
        {
            step = ParseExpression();
        }

        ExpectOp("]");
        return new SliceExpr(open.Position, target, start, stop, step);
    }

    // Called after '(' has been consumed; consumes the closing ')'.
    private CallArgs ParseCallArgs()
    {
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!SkipOp(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                ExpectOp(",");
                if (SkipOp(")"))
                {
                    break;
                }
            }

            if (Current.Kind == TokenKind.Name && tokens[at + 1] is { Kind: TokenKind.Operator, Value: "=" })
            {
                var name = Next().Value;
                at++;
                named.Add((name, ParseExpression()));
            }
            else if (IsOp("*") || IsOp("**"))
            {
                throw Error("*args and **kwargs in calls are not supported", Current);
            }
            else
            {
                if (named.Count > 0)
                {
                    throw Error("positional argument follows keyword argument", Current);
                }

                positional.Add(ParseExpression());
            }
        }

        return positional.Count == 0 && named.Count == 0 ? CallArgs.None : new CallArgs(positional, named);
    }

    private Expr ParseFilterAndTests(Expr node)
    {
        while (true)
        {
            if (SkipOp("|"))
            {
                node = ParseFilter(node);
            }
            else if (IsName("is"))
            {
                var token = Next();
                var negated = SkipName("not");
                var name = Expect(TokenKind.Name, "a test name").Value;
                var args = CallArgs.None;
                if (SkipOp("("))
                {
                    args = ParseCallArgs();
                }
                else if (StartsBareTestArgument())
                {
                    args = new CallArgs([ParsePostfix(ParsePrimary())], []);
                }

                node = new TestExpr(token.Position, node, name, args, negated);
            }
            else
            {
                return node;
            }
        }
    }

    private bool StartsBareTestArgument() => Current.Kind switch
    {
        TokenKind.Name => Current.Value is not ("else" or "or" or "and" or "if" or "is" or "not" or "in"),
        TokenKind.String or TokenKind.Integer or TokenKind.Float => true,
        TokenKind.Operator => Current.Value is "(" or "[" or "{",
        _ => false,
    };

    private FilterExpr ParseFilter(Expr node)
    {
        var name = Expect(TokenKind.Name, "a filter name");
        var filterName = name.Value;
        while (IsOp(".") && tokens[at + 1].Kind == TokenKind.Name)
        {
            at++;
            filterName += "." + Next().Value;
        }

        var args = SkipOp("(") ? ParseCallArgs() : CallArgs.None;
        return new FilterExpr(name.Position, node, filterName, args);
    }
}
