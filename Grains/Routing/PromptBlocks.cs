using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Routing;

/// <summary>
/// A request's prompt as chained block hashes, the unit of prefix routing. Tokens do not exist before
/// routing (the worker renders the chat template and tokenizes), so the blocks are of a canonical text of
/// what the template renders, in its order: tools, then each message. Two requests share the first n
/// hashes exactly when their canonical texts share the first n blocks, and a shared canonical prefix
/// renders to a shared token prefix. Only whole blocks count.
/// </summary>
internal static class PromptBlocks
{
    /// <summary>Characters per block: about 16 tokens, the shortest prefix a worker reuses (<c>SlotCache.MinReuse</c>).</summary>
    public const int BlockChars = 64;

    public static ulong[] Of(GenerationRequest request) => Chain(Canonical(request));

    /// <summary>The hash of each whole block, each one covering every block before it.</summary>
    public static ulong[] Chain(string text)
    {
        var blocks = new ulong[text.Length / BlockChars];
        Span<byte> buffer = stackalloc byte[8 + Encoding.UTF8.GetMaxByteCount(BlockChars)];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var previous = 0UL;
        for (var i = 0; i < blocks.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, previous);
            var length = Encoding.UTF8.GetBytes(text.AsSpan(i * BlockChars, BlockChars), buffer[8..]);
            SHA256.HashData(buffer[..(8 + length)], digest);
            blocks[i] = previous = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }

        return blocks;
    }

    // Separators no user text carries in practice; any change to what renders first changes every block after it.
    private static string Canonical(GenerationRequest request)
    {
        var text = new StringBuilder();
        if (request.Raw is { } raw)
        {
            text.Append(raw.Suffix is null ? "raw\u001e" : "fim\u001e");
            text.Append(raw.Text ?? string.Join(',', raw.Tokens ?? []));
            return raw.Suffix is null ? text.ToString() : text.Append('\u001e').Append(raw.Suffix).ToString();
        }

        foreach (var tool in request.Tools)
        {
            text.Append("tool\u001f").Append(tool.Name).Append('\u001f').Append(tool.Description).Append('\u001f').Append(tool.Parameters).Append('\u001e');
        }

        text.Append(request.TemplateArguments).Append('\u001e');
        foreach (var message in request.Messages)
        {
            text.Append(message.Role).Append('\u001f').Append(message.Name).Append('\u001f').Append(message.Reasoning).Append('\u001f').Append(message.Content);
            foreach (var call in message.ToolCalls ?? [])
            {
                text.Append('\u001f').Append(call.Id).Append('\u001f').Append(call.Name).Append('\u001f').Append(call.Arguments);
            }

            text.Append('\u001f').Append(message.ToolCallId).Append('\u001e');
        }

        return text.ToString();
    }
}
