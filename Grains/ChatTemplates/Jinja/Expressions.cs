namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>An expression node; evaluates to a template value.</summary>
internal abstract class Expr(int position)
{
    public int Position { get; } = position;

    public abstract object? Eval(RenderContext context);
}

internal sealed class LiteralExpr(int position, object? value) : Expr(position)
{
    public object? Value { get; } = value;

    public override object? Eval(RenderContext context) => Value;
}

internal sealed class NameExpr(int position, string name) : Expr(position)
{
    public string Name { get; } = name;

    public override object? Eval(RenderContext context) => context.Lookup(Name);
}

internal sealed class ListExpr(int position, IReadOnlyList<Expr> items, bool tuple) : Expr(position)
{
    public IReadOnlyList<Expr> Items { get; } = items;

    public override object? Eval(RenderContext context)
    {
        var values = new object?[Items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Items[i].Eval(context);
        }

        // Tuples stay arrays (immutable, repr with parentheses); lists must be mutable for append.
        return tuple ? values : new List<object?>(values);
    }
}

internal sealed class DictExpr(int position, IReadOnlyList<(Expr Key, Expr Value)> pairs) : Expr(position)
{
    public override object? Eval(RenderContext context)
    {
        var dict = new JinjaDict();
        foreach (var (key, value) in pairs)
        {
            dict.Set(JinjaFormat.Str(key.Eval(context)), value.Eval(context));
        }

        return dict;
    }
}

internal sealed class AttributeExpr(int position, Expr target, string name) : Expr(position)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    public override object? Eval(RenderContext context) => JinjaAccess.Attribute(Target.Eval(context), Name);
}

internal sealed class ItemExpr(int position, Expr target, Expr key) : Expr(position)
{
    public override object? Eval(RenderContext context) => JinjaAccess.Item(target.Eval(context), key.Eval(context));
}

internal sealed class SliceExpr(int position, Expr target, Expr? start, Expr? stop, Expr? step) : Expr(position)
{
    public override object? Eval(RenderContext context) =>
        JinjaAccess.Slice(target.Eval(context), start?.Eval(context), stop?.Eval(context), step?.Eval(context));
}

internal sealed class CallArgs(IReadOnlyList<Expr> positional, IReadOnlyList<(string Name, Expr Value)> named)
{
    public static readonly CallArgs None = new([], []);

    public JinjaArgs Eval(RenderContext context)
    {
        if (positional.Count == 0 && named.Count == 0)
        {
            return JinjaArgs.Empty;
        }

        var values = new object?[positional.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = positional[i].Eval(context);
        }

        var pairs = new KeyValuePair<string, object?>[named.Count];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = new(named[i].Name, named[i].Value.Eval(context));
        }

        return new JinjaArgs(values, pairs);
    }
}

internal sealed class CallExpr(int position, Expr callee, CallArgs args) : Expr(position)
{
    public override object? Eval(RenderContext context)
    {
        object? target;
        if (callee is AttributeExpr attribute)
        {
            var owner = attribute.Target.Eval(context);
            target = JinjaAccess.Attribute(owner, attribute.Name);
            if (target is not JinjaCallable && owner is not JinjaUndefined)
            {
                throw new JinjaException($"'{JinjaOps.TypeName(owner)}' object has no method '{attribute.Name}'");
            }
        }
        else
        {
            target = callee.Eval(context);
        }

        if (target is not JinjaCallable callable)
        {
            var what = callee switch
            {
                NameExpr n => n.Name,
                _ => JinjaOps.TypeName(target),
            };
            throw new JinjaException(target is JinjaUndefined ? $"'{what}' is undefined" : $"'{what}' is not callable");
        }

        return callable.Invoke(context, args.Eval(context));
    }
}

internal sealed class FilterExpr(int position, Expr target, string name, CallArgs args) : Expr(position)
{
    private readonly JinjaFilters.Filter? filter = JinjaFilters.Find(name);

    public override object? Eval(RenderContext context)
    {
        var value = target.Eval(context);
        return (filter ?? throw new JinjaException($"No filter named '{name}'"))(context, value, args.Eval(context));
    }
}

internal sealed class TestExpr(int position, Expr target, string name, CallArgs args, bool negated) : Expr(position)
{
    private readonly JinjaTests.Test? test = JinjaTests.Find(name);

    public override object? Eval(RenderContext context)
    {
        var value = target.Eval(context);
        var result = (test ?? throw new JinjaException($"No test named '{name}'"))(context, value, args.Eval(context));
        return result != negated;
    }
}

internal sealed class NotExpr(int position, Expr operand) : Expr(position)
{
    public override object? Eval(RenderContext context) => !JinjaOps.Truthy(operand.Eval(context));
}

internal sealed class NegateExpr(int position, Expr operand, bool minus) : Expr(position)
{
    public override object? Eval(RenderContext context)
    {
        var value = operand.Eval(context);
        return minus ? JinjaOps.Negate(value) : JinjaOps.IsNumber(value) ? value : throw new JinjaException($"bad operand type for unary +: '{JinjaOps.TypeName(value)}'");
    }
}

internal sealed class BinaryExpr(int position, string op, Expr left, Expr right) : Expr(position)
{
    public override object? Eval(RenderContext context) => JinjaOps.Arithmetic(op, left.Eval(context), right.Eval(context));
}

internal sealed class ConcatExpr(int position, IReadOnlyList<Expr> parts) : Expr(position)
{
    public override object? Eval(RenderContext context)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            builder.Append(JinjaFormat.Str(part.Eval(context)));
        }

        return builder.ToString();
    }
}

internal sealed class AndExpr(int position, Expr left, Expr right) : Expr(position)
{
    public override object? Eval(RenderContext context)
    {
        var value = left.Eval(context);
        return JinjaOps.Truthy(value) ? right.Eval(context) : value;
    }
}

internal sealed class OrExpr(int position, Expr left, Expr right) : Expr(position)
{
    public override object? Eval(RenderContext context)
    {
        var value = left.Eval(context);
        return JinjaOps.Truthy(value) ? value : right.Eval(context);
    }
}

internal sealed class CompareExpr(int position, Expr first, IReadOnlyList<(string Op, Expr Operand)> rest) : Expr(position)
{
    public override object? Eval(RenderContext context)
    {
        var left = first.Eval(context);
        foreach (var (op, operand) in rest)
        {
            var right = operand.Eval(context);
            var holds = op switch
            {
                "==" => JinjaOps.AreEqual(left, right),
                "!=" => !JinjaOps.AreEqual(left, right),
                "<" => JinjaOps.Compare(left, right) < 0,
                "<=" => JinjaOps.Compare(left, right) <= 0,
                ">" => JinjaOps.Compare(left, right) > 0,
                ">=" => JinjaOps.Compare(left, right) >= 0,
                "in" => JinjaOps.Contains(right, left),
                _ => !JinjaOps.Contains(right, left),
            };
            if (!holds)
            {
                return false;
            }

            left = right;
        }

        return true;
    }
}

internal sealed class ConditionalExpr(int position, Expr then, Expr condition, Expr? otherwise) : Expr(position)
{
    public override object? Eval(RenderContext context) =>
        JinjaOps.Truthy(condition.Eval(context)) ? then.Eval(context) : otherwise is null ? JinjaUndefined.Instance : otherwise.Eval(context);
}
