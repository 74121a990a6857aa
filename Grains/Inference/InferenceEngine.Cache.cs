using System.Diagnostics;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Where a new prompt starts: the free slot or host-RAM entry sharing its longest prefix. A slot's KV
/// that would be overwritten goes to host RAM first when enough of it would be lost.
/// </summary>
internal sealed partial class InferenceEngine
{
    /// <summary>Fewer tokens than this are not worth a save (a short prompt is evaluated again quickly).</summary>
    private const int MinSave = 32;

    // Returns the slot the prompt takes and how many of its leading tokens that slot's KV now holds.
    private (int Slot, int Reuse) Place(LLamaToken[] prompt)
    {
        var (slot, common) = _cache.Pick(_slots, prompt);
        var (entry, saved) = _saved.Match(prompt);
        var inSlot = SlotCache.Usable(common, prompt.Length);
        if (SlotCache.Usable(saved, prompt.Length) <= inSlot)
        {
            Save(slot, keep: inSlot);
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)slot, inSlot, -1);
            _stats.Placed(reused: inSlot > 0);
            return (slot, inSlot);
        }

        // The free slot released longest ago takes the restored state, so other slots keep theirs.
        slot = Empty(_cache.Oldest(_slots));
        if (!_saved.Contains(entry!))
        {
            (entry, saved) = _saved.Match(prompt); // saving the slot evicted it
        }

        var reuse = entry is null ? 0 : Restore(slot, entry, SlotCache.Usable(saved, prompt.Length));
        _stats.Placed(reused: reuse > 0);
        return (slot, reuse);
    }

    // Saves what the free slot holds (unless too little of it would be lost) and empties its KV.
    private int Empty(int slot)
    {
        Save(slot, keep: 0);
        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)slot, 0, -1);
        return slot;
    }

    private void Save(int slot, int keep)
    {
        var held = _cache.Held(slot);
        if (held.Count - keep < MinSave || _saved.Capacity == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        _saved.Add(held, _context.GetState((LLamaSeqId)slot), _cache.HeldForConversation(slot));
        _stats.Saved(Stopwatch.GetTimestamp() - started);
        _stats.Held(_saved);
    }

    // Loads the entry into the (empty) slot and keeps its first reuse tokens; 0 when the KV had no room for it.
    private int Restore(int slot, PromptCacheEntry entry, int reuse)
    {
        if (reuse == 0)
        {
            return 0;
        }

        var id = (LLamaSeqId)slot;
        var started = Stopwatch.GetTimestamp();
        _context.LoadState(entry.State, id);
        if (_context.NativeHandle.MemorySequenceMaxPosition(id).Value != entry.Tokens.Count - 1)
        {
            _logger.LogDebug("Worker {Worker} could not restore {Tokens} cached tokens: no room in the KV", _name, entry.Tokens.Count);
            _context.NativeHandle.MemorySequenceRemove(id, 0, -1);
            return 0;
        }

        _context.NativeHandle.MemorySequenceRemove(id, reuse, -1);
        if (entry.Tokens.Count - reuse < MinSave)
        {
            // The slot holds nearly all of it now and saves it again, extended, when it is taken: one copy is enough.
            _saved.Remove(entry);
        }
        else
        {
            _saved.Touch(entry);
        }

        _stats.Restored(Stopwatch.GetTimestamp() - started);
        _stats.Held(_saved);
        return reuse;
    }
}
