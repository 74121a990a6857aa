using System.Collections;

namespace Verge.Orleans.Grains.ChatTemplates.Jinja;

/// <summary>A string-keyed dictionary that keeps insertion order, like a Python dict.</summary>
internal sealed class JinjaDict : IReadOnlyDictionary<string, object?>
{
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, object?>> entries = [];
    private int removed;

    public int Count => index.Count;

    public IEnumerable<string> Keys => this.Select(e => e.Key);

    public IEnumerable<object?> Values => this.Select(e => e.Value);

    public object? this[string key]
    {
        get => entries[index[key]].Value;
        set => Set(key, value);
    }

    public void Set(string key, object? value)
    {
        if (index.TryGetValue(key, out var at))
        {
            entries[at] = new(key, value);
        }
        else
        {
            index[key] = entries.Count;
            entries.Add(new(key, value));
        }
    }

    public bool Remove(string key)
    {
        if (!index.Remove(key, out var at))
        {
            return false;
        }

        // Tombstone instead of shifting so the other indexes stay valid.
        entries[at] = new(null!, null);
        removed++;
        if (removed > 16 && removed > entries.Count / 2)
        {
            Compact();
        }

        return true;
    }

    public bool ContainsKey(string key) => index.ContainsKey(key);

    public bool TryGetValue(string key, out object? value)
    {
        if (index.TryGetValue(key, out var at))
        {
            value = entries[at].Value;
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        foreach (var entry in entries)
        {
            if (entry.Key is not null)
            {
                yield return entry;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Compact()
    {
        var live = this.ToList();
        entries.Clear();
        index.Clear();
        removed = 0;
        foreach (var entry in live)
        {
            Set(entry.Key, entry.Value);
        }
    }
}
