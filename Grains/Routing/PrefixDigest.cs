namespace Verge.Orleans.Grains.Routing;

/// <summary>
/// A worker's side of prefix routing: the block chains of the prompts it served, most recent first. The
/// engine keeps a prompt's KV in its slot and then in the host-RAM prompt cache, both least recently used
/// out, so the last (slots + cache entries) prompts are what it holds; <see cref="Snapshot"/> keeps that
/// many. A chain another one extends adds nothing and goes.
/// </summary>
internal sealed class PrefixDigest
{
    private readonly LinkedList<ulong[]> _chains = new();

    public int Count => _chains.Count;

    /// <summary>A prompt was accepted; false when it has no whole block to add.</summary>
    public bool Add(ulong[] chain)
    {
        if (chain.Length == 0)
        {
            return false;
        }

        for (var node = _chains.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Length <= chain.Length && chain.AsSpan(0, node.Value.Length).SequenceEqual(node.Value))
            {
                _chains.Remove(node);
            }

            node = next;
        }

        _chains.AddFirst(chain);
        return true;
    }

    /// <summary>The distinct hashes of the <paramref name="held"/> most recent chains; older chains are dropped.</summary>
    public ulong[] Snapshot(int held)
    {
        while (_chains.Count > Math.Max(1, held))
        {
            _chains.RemoveLast();
        }

        return [.. _chains.SelectMany(chain => chain).Distinct()];
    }
}
