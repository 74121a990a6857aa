namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>Recursive-descent parser from tokens to statement and expression nodes, with Jinja2's precedence.</summary>
internal sealed partial class JinjaParser(string source, List<Token> tokens)
{
    private const int MaxNesting = 200;
    private static readonly HashSet<string> CompareOperators = ["==", "!=", "<", "<=", ">", ">="];

    private int at;
    private int nesting;
    private int loopDepth;

    /// <summary>Every variable name the template reads.</summary>
    public HashSet<string> Referenced { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<Node> ParseTemplate()
    {
        var body = ParseBody([], out _);
        return body;
    }

    private Token Current => tokens[at];

    private JinjaException Error(string message, Token token)
    {
        var (line, column) = JinjaLexer.Locate(source, token.Position);
        return new JinjaException(message, line, column);
    }

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "end of template",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.VariableEnd => "'}}'",
        _ => $"'{token.Value}'",
    };

    private Token Next() => tokens[at++];

    private bool IsOp(string op) => Current.Kind == TokenKind.Operator && Current.Value == op;

    private bool IsName(string name) => Current.Kind == TokenKind.Name && Current.Value == name;

    private bool SkipOp(string op)
    {
        if (IsOp(op))
        {
            at++;
            return true;
        }

        return false;
    }

    private bool SkipName(string name)
    {
        if (IsName(name))
        {
            at++;
            return true;
        }

        return false;
    }

    private void ExpectOp(string op)
    {
        if (!SkipOp(op))
        {
            throw Error($"expected '{op}', got {Describe(Current)}", Current);
        }
    }

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error($"expected {what}, got {Describe(Current)}", Current);
        }

        return Next();
    }

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd, "'%}'");

    // Parses nodes until a block tag whose name is in endTags; leaves the position after that name.
    private List<Node> ParseBody(string[] endTags, out string endTag)
    {
        var body = new List<Node>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Text:
                    at++;
                    body.Add(new TextNode(token.Position, token.Value));
                    break;
                case TokenKind.VariableBegin:
                    at++;
                    var expression = ParseTuple();
                    Expect(TokenKind.VariableEnd, "'}}'");
                    body.Add(new OutputNode(token.Position, expression));
                    break;
                case TokenKind.BlockBegin:
                    at++;
                    var name = Expect(TokenKind.Name, "a tag name");
                    if (Array.IndexOf(endTags, name.Value) >= 0)
                    {
                        endTag = name.Value;
                        return body;
                    }

                    if (++nesting > MaxNesting)
                    {
                        throw Error("blocks nested too deeply", name);
                    }

                    body.Add(ParseStatement(token, name));
                    nesting--;
                    break;
                default:
                    if (endTags.Length > 0)
                    {
                        throw Error($"unexpected end of template, expected {string.Join(" or ", endTags.Select(t => $"'{t}'"))}", token);
                    }

                    endTag = string.Empty;
                    return body;
            }
        }
    }

    private Node ParseStatement(Token begin, Token name)
    {
        switch (name.Value)
        {
            case "if":
                return ParseIf(begin);
            case "for":
                return ParseFor(begin);
            case "set":
                return ParseSet(begin);
            case "macro":
                return ParseMacro(begin);
            case "break" or "continue":
                if (loopDepth == 0)
                {
                    throw Error($"'{name.Value}' outside of a loop", name);
                }

                ExpectBlockEnd();
                return new LoopControlNode(begin.Position, name.Value == "break" ? Flow.Break : Flow.Continue);
            case "generation":
                ExpectBlockEnd();
                var generated = ParseBody(["endgeneration"], out _);
                ExpectBlockEnd();
                return new BodyNode(begin.Position, generated);
            case "filter":
                Expr filter = new NameExpr(name.Position, FilterBlockNode.BodyVariable);
                do
                {
                    filter = ParseFilter(filter);
                }
                while (SkipOp("|"));

                ExpectBlockEnd();
                var filtered = ParseBody(["endfilter"], out _);
                ExpectBlockEnd();
                return new FilterBlockNode(begin.Position, filter, filtered);
            case "do":
                var expression = ParseTuple();
                ExpectBlockEnd();
                return new DoNode(begin.Position, expression);
            default:
                throw Error($"unknown tag '{name.Value}'", name);
        }
    }

    private IfNode ParseIf(Token begin)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        IReadOnlyList<Node> otherwise = [];
        var condition = ParseExpression();
        while (true)
        {
            ExpectBlockEnd();
            var body = ParseBody(["elif", "else", "endif"], out var end);
            branches.Add((condition, body));
            if (end == "elif")
            {
                condition = ParseExpression();
                continue;
            }

            if (end == "else")
            {
                ExpectBlockEnd();
                otherwise = ParseBody(["endif"], out _);
            }

            ExpectBlockEnd();
            return new IfNode(begin.Position, branches, otherwise);
        }
    }

    private ForNode ParseFor(Token begin)
    {
        var targets = ParseTargets();
        if (!SkipName("in"))
        {
            throw Error($"expected 'in', got {Describe(Current)}", Current);
        }

        var iterable = ParseTuple(withCondition: false);
        Expr? filter = null;
        if (SkipName("if"))
        {
            filter = ParseExpression();
        }

        if (IsName("recursive"))
        {
            throw Error("recursive loops are not supported", Current);
        }

        ExpectBlockEnd();
        loopDepth++;
        var body = ParseBody(["else", "endfor"], out var end);
        loopDepth--;
        IReadOnlyList<Node> otherwise = [];
        if (end == "else")
        {
            ExpectBlockEnd();
            otherwise = ParseBody(["endfor"], out _);
        }

        ExpectBlockEnd();
        return new ForNode(begin.Position, targets, iterable, filter, body, otherwise);
    }

    private List<string> ParseTargets()
    {
        var parenthesized = SkipOp("(");
        var targets = new List<string> { Expect(TokenKind.Name, "a variable name").Value };
        while (SkipOp(","))
        {
            if (Current.Kind != TokenKind.Name)
            {
                break;
            }

            targets.Add(Next().Value);
        }

        if (parenthesized)
        {
            ExpectOp(")");
        }

        return targets;
    }

    private Node ParseSet(Token begin)
    {
        var first = Expect(TokenKind.Name, "a variable name");
        if (SkipOp("."))
        {
            var attribute = Expect(TokenKind.Name, "an attribute name");
            Referenced.Add(first.Value);
            ExpectOp("=");
            var assigned = ParseTuple();
            ExpectBlockEnd();
            return new SetNode(begin.Position, [attribute.Value], new NameExpr(first.Position, first.Value), assigned);
        }

        var targets = new List<string> { first.Value };
        while (SkipOp(","))
        {
            targets.Add(Expect(TokenKind.Name, "a variable name").Value);
        }

        if (SkipOp("="))
        {
            var value = ParseTuple();
            ExpectBlockEnd();
            return new SetNode(begin.Position, targets, null, value);
        }

        if (targets.Count != 1)
        {
            throw Error("a block set takes one name", Current);
        }

        ExpectBlockEnd();
        var body = ParseBody(["endset"], out _);
        ExpectBlockEnd();
        return new BlockSetNode(begin.Position, first.Value, body);
    }

    private MacroNode ParseMacro(Token begin)
    {
        var name = Expect(TokenKind.Name, "a macro name").Value;
        ExpectOp("(");
        var parameters = new List<(string, Expr?)>();
        while (!SkipOp(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOp(",");
                if (SkipOp(")"))
                {
                    break;
                }
            }

            var parameter = Expect(TokenKind.Name, "a parameter name").Value;
            parameters.Add((parameter, SkipOp("=") ? ParseExpression() : null));
        }

        ExpectBlockEnd();
        var outerLoops = loopDepth;
        loopDepth = 0;
        var body = ParseBody(["endmacro"], out _);
        loopDepth = outerLoops;
        if (Current.Kind == TokenKind.Name)
        {
            at++;
        }

        ExpectBlockEnd();
        return new MacroNode(begin.Position, name, parameters, body);
    }
}
