using System.Text;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>What a statement tells the enclosing loop.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}

/// <summary>A statement node; writes output and may break or continue a loop.</summary>
internal abstract class Node(int position)
{
    public int Position { get; } = position;

    public abstract Flow Render(RenderContext context, StringBuilder output);

    public static Flow RenderAll(IReadOnlyList<Node> body, RenderContext context, StringBuilder output)
    {
        foreach (var node in body)
        {
            Flow flow;
            try
            {
                flow = node.Render(context, output);
            }
            catch (JinjaException ex) when (ex.Line is null && !ex.RaisedByTemplate)
            {
                var (line, column) = JinjaLexer.Locate(context.Source, node.Position);
                throw new JinjaException(ex.Message, line, column);
            }
            catch (Exception ex) when (ex is not (JinjaException or OutOfMemoryException))
            {
                var (line, column) = JinjaLexer.Locate(context.Source, node.Position);
                throw new JinjaException(ex.Message, line, column);
            }

            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }
}

internal sealed class TextNode(int position, string text) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        output.Append(text);
        return Flow.Normal;
    }
}

internal sealed class OutputNode(int position, Expr expression) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        output.Append(JinjaFormat.Str(expression.Eval(context)));
        return Flow.Normal;
    }
}

internal sealed class IfNode(int position, IReadOnlyList<(Expr Condition, IReadOnlyList<Node> Body)> branches, IReadOnlyList<Node> otherwise) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        foreach (var (condition, body) in branches)
        {
            if (JinjaOps.Truthy(condition.Eval(context)))
            {
                return RenderAll(body, context, output);
            }
        }

        return RenderAll(otherwise, context, output);
    }
}

internal sealed class ForNode(int position, IReadOnlyList<string> targets, Expr iterable, Expr? filter, IReadOnlyList<Node> body, IReadOnlyList<Node> otherwise) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        var items = JinjaOps.Iterate(iterable.Eval(context));
        var outer = context.Scope;
        var scope = new Scope(outer);
        context.Scope = scope;
        try
        {
            if (filter is not null)
            {
                var kept = new List<object?>();
                foreach (var item in items)
                {
                    context.CountIteration();
                    Assign(scope, item);
                    if (JinjaOps.Truthy(filter.Eval(context)))
                    {
                        kept.Add(item);
                    }
                }

                items = kept;
            }

            var loop = new JinjaLoop(items);
            scope.Variables["loop"] = loop;
            for (var i = 0; i < items.Count; i++)
            {
                context.CountIteration();
                loop.Index0 = i;
                Assign(scope, items[i]);
                if (RenderAll(body, context, output) == Flow.Break)
                {
                    break;
                }
            }
        }
        finally
        {
            context.Scope = outer;
        }

        return items.Count == 0 ? RenderAll(otherwise, context, output) : Flow.Normal;
    }

    private void Assign(Scope scope, object? item)
    {
        item = JinjaValue.Normalize(item);
        if (targets.Count == 1)
        {
            scope.Variables[targets[0]] = item;
            return;
        }

        SetNode.Unpack(scope, targets, item);
    }
}

internal sealed class SetNode(int position, IReadOnlyList<string> targets, Expr? namespaceTarget, Expr value) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        var result = value.Eval(context);
        if (namespaceTarget is not null)
        {
            var ns = namespaceTarget.Eval(context) as JinjaNamespace
                ?? throw new JinjaException("cannot assign attribute on non-namespace object");
            ns.Attributes.Set(targets[0], result);
        }
        else if (targets.Count == 1)
        {
            context.Scope.Variables[targets[0]] = result;
        }
        else
        {
            Unpack(context.Scope, targets, result);
        }

        return Flow.Normal;
    }

    public static void Unpack(Scope scope, IReadOnlyList<string> targets, object? value)
    {
        var items = JinjaOps.Iterate(value);
        if (items.Count != targets.Count)
        {
            throw new JinjaException($"cannot unpack {items.Count} values into {targets.Count} names");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            scope.Variables[targets[i]] = JinjaValue.Normalize(items[i]);
        }
    }
}

internal sealed class BlockSetNode(int position, string target, IReadOnlyList<Node> body) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        var captured = new StringBuilder();
        RenderAll(body, context, captured);
        context.Scope.Variables[target] = captured.ToString();
        return Flow.Normal;
    }
}

internal sealed class MacroNode(int position, string name, IReadOnlyList<(string Name, Expr? Default)> parameters, IReadOnlyList<Node> body) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        var defining = context.Scope;
        context.Scope.Variables[name] = new JinjaCallable(name, (ctx, args) => Call(ctx, defining, args));
        return Flow.Normal;
    }

    private object? Call(RenderContext context, Scope defining, JinjaArgs args)
    {
        if (args.Positional.Count > parameters.Count)
        {
            throw new JinjaException($"macro '{name}' takes not more than {parameters.Count} argument(s)");
        }

        var scope = new Scope(defining);
        for (var i = 0; i < parameters.Count; i++)
        {
            var (parameter, fallback) = parameters[i];
            scope.Variables[parameter] = args.Has(i, parameter)
                ? args.Get(i, parameter)
                : fallback is null ? JinjaUndefined.Instance : EvalIn(context, scope, fallback);
        }

        foreach (var pair in args.Named)
        {
            if (!parameters.Any(p => p.Name == pair.Key))
            {
                throw new JinjaException($"macro '{name}' takes no keyword argument '{pair.Key}'");
            }
        }

        var outer = context.Scope;
        context.Enter();
        context.Scope = scope;
        try
        {
            var output = new StringBuilder();
            RenderAll(body, context, output);
            return output.ToString();
        }
        finally
        {
            context.Scope = outer;
            context.Leave();
        }
    }

    private static object? EvalIn(RenderContext context, Scope scope, Expr expression)
    {
        var outer = context.Scope;
        context.Scope = scope;
        try
        {
            return expression.Eval(context);
        }
        finally
        {
            context.Scope = outer;
        }
    }
}

internal sealed class LoopControlNode(int position, Flow flow) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output) => flow;
}

internal sealed class BodyNode(int position, IReadOnlyList<Node> body) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output) => RenderAll(body, context, output);
}

internal sealed class FilterBlockNode(int position, Expr filter, IReadOnlyList<Node> body) : Node(position)
{
    public const string BodyVariable = "\0filter-body";

    public override Flow Render(RenderContext context, StringBuilder output)
    {
        var captured = new StringBuilder();
        var flow = RenderAll(body, context, captured);
        var outer = context.Scope;
        context.Scope = new Scope(outer);
        try
        {
            context.Scope.Variables[BodyVariable] = captured.ToString();
            output.Append(JinjaFormat.Str(filter.Eval(context)));
        }
        finally
        {
            context.Scope = outer;
        }

        return flow;
    }
}

internal sealed class DoNode(int position, Expr expression) : Node(position)
{
    public override Flow Render(RenderContext context, StringBuilder output)
    {
        expression.Eval(context);
        return Flow.Normal;
    }
}
