using System.Security.Cryptography;
using System.Text.Json;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Tools;

/// <summary>
/// Separates tool calls from the visible answer in a content stream, by the model family's
/// <see cref="ToolCallFormat"/>. Text that may be the start of a call's opening marker is held back. A call
/// object that starts with its name (as the grammar writes it) is streamed as OpenAI does: index, id and name
/// first, then fragments of its arguments as they come; any other block is released once complete, and a
/// block that does not parse as calls is given back as content, so nothing the model wrote is lost.
/// </summary>
internal sealed partial class ToolCallParser(ToolCallFormat format)
{
    private string _pending = "";
    private bool _inCall;
    private ArgumentStream? _arguments;
    private bool _sawContent;
    private int _calls;

    /// <summary>Calls released so far.</summary>
    public int Calls => _calls;

    public (string Content, IReadOnlyList<ToolCallDelta> Calls) Push(string text)
    {
        _pending += text;
        var content = "";
        var calls = new List<ToolCallDelta>();
        while (_pending.Length > 0)
        {
            if (_inCall)
            {
                if (!StreamArguments(calls))
                {
                    break;
                }

                var close = format.Close is null ? -1 : _pending.IndexOf(format.Close, StringComparison.Ordinal);
                if (close < 0)
                {
                    break;
                }

                content += _arguments is null ? Release(_pending[..close], calls) : "";
                _pending = _pending[(close + format.Close!.Length)..];
                (_inCall, _arguments) = (false, null);
                continue;
            }

            if (!TryOpen(out var before, out var after))
            {
                var keep = HeldBack();
                content += _pending[..^keep];
                _pending = _pending[^keep..];
                break;
            }

            content += _calls > 0 ? before.Trim() : before;
            _pending = after;
            _inCall = true;
        }

        _sawContent |= content.Trim().Length > 0;
        return (content, calls);
    }

    /// <summary>The end of the output: a call still open is parsed (formats that close at the end) or given back.</summary>
    public (string Content, IReadOnlyList<ToolCallDelta> Calls) Flush()
    {
        var calls = new List<ToolCallDelta>();
        var rest = !_inCall ? _pending
            : _arguments is null ? Release(_pending, calls)
            : _arguments.Complete ? ""
            : Fragment(_pending, calls);
        _pending = "";
        (_inCall, _arguments) = (false, null);
        return (_calls > 0 ? rest.Trim() : rest, calls);
    }

    /// <summary>
    /// Streams the open call's arguments when its object starts with the name: returns false while more text is
    /// needed, true once the arguments are complete (or the call is not streamed and waits for its close).
    /// </summary>
    private bool StreamArguments(List<ToolCallDelta> calls)
    {
        if (_arguments is null)
        {
            if (format.Body != ToolCallBody.Object || CallHeader().Match(_pending) is not { Success: true } header)
            {
                return true;
            }

            calls.Add(new ToolCallDelta(_calls++, NewId(), JsonSerializer.Deserialize<string>($"\"{header.Groups[1].Value}\""), ""));
            _arguments = new ArgumentStream();
            _pending = _pending[header.Length..];
        }

        if (!_arguments.Complete)
        {
            var used = _arguments.Push(_pending);
            Fragment(_pending[..used], calls);
            _pending = _pending[used..];
        }

        return _arguments.Complete;
    }

    private string Fragment(string text, List<ToolCallDelta> calls)
    {
        if (text.Length > 0)
        {
            calls.Add(new ToolCallDelta(_calls - 1, null, null, text));
        }

        return "";
    }

    // A call object as grammars write it: its name first, then its arguments object.
    [System.Text.RegularExpressions.GeneratedRegex("""^\s*\{\s*"name"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"(?:arguments|parameters)"\s*:\s*(?=\{)""")]
    private static partial System.Text.RegularExpressions.Regex CallHeader();

    private bool TryOpen(out string before, out string after)
    {
        if (format.Bare)
        {
            // A bare call is the whole answer: it must start the content.
            var trimmed = _pending.TrimStart();
            if (!_sawContent && trimmed.StartsWith('{'))
            {
                (before, after) = ("", trimmed);
                return true;
            }

            (before, after) = (_pending, "");
            return false;
        }

        var open = _pending.IndexOf(format.Open, StringComparison.Ordinal);
        (before, after) = open < 0 ? (_pending, "") : (_pending[..open], _pending[(open + format.Open.Length)..]);
        return open >= 0;
    }

    // Characters at the end that may begin the opening marker.
    private int HeldBack()
    {
        if (format.Bare)
        {
            return !_sawContent && _pending.Trim().Length == 0 ? _pending.Length : 0;
        }

        for (var length = Math.Min(format.Open.Length - 1, _pending.Length); length > 0; length--)
        {
            if (_pending.EndsWith(format.Open[..length], StringComparison.Ordinal))
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>Parses a block into calls; a block that is not calls comes back as content.</summary>
    private string Release(string body, List<ToolCallDelta> calls)
    {
        var parsed = Parse(body);
        if (parsed is null)
        {
            return format.Open + body + (format.Close ?? "");
        }

        foreach (var (name, arguments) in parsed)
        {
            var index = _calls++;
            calls.Add(new ToolCallDelta(index, NewId(), name, ""));
            calls.Add(new ToolCallDelta(index, null, null, arguments));
        }

        return "";
    }

    private List<(string Name, string Arguments)>? Parse(string body) =>
        format.Body == ToolCallBody.DeepSeek ? ParseDeepSeek(body) : ParseJson(body);

    private List<(string Name, string Arguments)>? ParseJson(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.Trim());
            var root = document.RootElement;
            var items = format.Body == ToolCallBody.Array && root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray()] : new[] { root };
            var calls = new List<(string, string)>();
            foreach (var item in items)
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                var arguments = item.TryGetProperty(format.ArgumentsKey, out var args) || item.TryGetProperty("arguments", out args)
                    ? args.ValueKind == JsonValueKind.String ? args.GetString()! : args.GetRawText()
                    : "{}";
                calls.Add((name.GetString()!, arguments));
            }

            return calls.Count > 0 ? calls : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<(string Name, string Arguments)>? ParseDeepSeek(string body)
    {
        var calls = new List<(string, string)>();
        foreach (var call in body.Split(ToolCallFormat.DeepSeekCallStart, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var arguments = call.IndexOf(ToolCallFormat.DeepSeekArgumentsStart.Trim('\n'), StringComparison.Ordinal);
            var end = call.LastIndexOf(ToolCallFormat.DeepSeekCallEnd.Trim('\n'), StringComparison.Ordinal);
            if (arguments <= 0 || end < arguments)
            {
                return null;
            }

            var json = call[(arguments + ToolCallFormat.DeepSeekArgumentsStart.Trim('\n').Length)..end].Trim();
            try
            {
                using var document = JsonDocument.Parse(json);
                calls.Add((call[..arguments].Trim(), document.RootElement.GetRawText()));
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return calls.Count > 0 ? calls : null;
    }

    private static string NewId() => "call_" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24);
}
