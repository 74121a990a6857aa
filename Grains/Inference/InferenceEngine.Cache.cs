using System.Diagnostics;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Where a new prompt starts: the free slot or host-RAM entry sharing its longest prefix. A slot's KV
/// that would be overwritten goes to host RAM first when enough of it would be lost; an idle engine copies
/// its free slots there ahead of time, so a request taking one later does not wait for the copy.
/// </summary>
internal sealed partial class InferenceEngine
{
    /// <summary>Fewer tokens than this are not worth a save (a short prompt is evaluated again quickly).</summary>
    private const int MinSave = 32;

    // Per free slot, the host-RAM entry holding exactly what the slot holds, copied while idle, and how far copying
    // it was tried since its release: a spare copy (refused where it would evict) is tried again as a full save once
    // the slot is the next to be taken.
    private PromptCacheEntry?[] _copies = [];
    private CopyTried[] _copyTried = [];

    private enum CopyTried : byte
    {
        No,
        Spare,
        Saved,
    }

    /// <summary>
    /// While nothing runs, copies one free slot's KV to host RAM. The next slot to be taken (released longest ago)
    /// is saved as its taking would save it, evicting what that would evict; the others only where their copy evicts
    /// nothing, since they may well go on holding their KV. One per call, so a request arriving meanwhile waits for
    /// one copy at most. False when there is nothing left to try until a slot is released again.
    /// </summary>
    private bool CopyIdleSlot()
    {
        if (_saved.Capacity == 0)
        {
            return false;
        }

        var next = _cache.Oldest(_slots);
        if (next >= 0 && Worth(next) && _copyTried[next] != CopyTried.Saved && !(_copies[next] is { } copy && _saved.Contains(copy)))
        {
            _copyTried[next] = CopyTried.Saved;
            _copies[next] = Save(next, keep: 0);
            return true;
        }

        var slot = -1;
        for (var candidate = 0; candidate < _slots.Length; candidate++)
        {
            if (_slots[candidate] is null && Worth(candidate) && _copyTried[candidate] == CopyTried.No
                && (slot < 0 || _cache.ReleasedBefore(candidate, slot)))
            {
                slot = candidate;
            }
        }

        if (slot < 0)
        {
            return false;
        }

        _copyTried[slot] = CopyTried.Spare;
        _copies[slot] = Save(slot, keep: 0, spare: true);
        return true;
    }

    private bool Worth(int slot) => _cache.Held(slot).Count >= MinSave;

    // A sequence takes the slot: what it held is no longer the slot's to offer, nor its copy the slot's.
    private void Take(int slot)
    {
        _cache.Take(slot);
        (_copies[slot], _copyTried[slot]) = (null, CopyTried.No);
    }

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

    // Copies what the free slot holds to host RAM, unless too little of it would be lost or a copy is there already
    // (which, the slot being taken, is now the only one: it moves up to most recently used). A spare copy is made
    // while the slot still holds its KV: see PromptCache.Add.
    private PromptCacheEntry? Save(int slot, int keep, bool spare = false)
    {
        var held = _cache.Held(slot);
        if (held.Count - keep < MinSave || _saved.Capacity == 0)
        {
            return null;
        }

        if (_copies[slot] is { } copy && _saved.Contains(copy))
        {
            _saved.Touch(copy);
            return copy;
        }

        var started = Stopwatch.GetTimestamp();
        var entry = _saved.Add(held, _context.GetState((LLamaSeqId)slot), _cache.HeldForConversation(slot), spare);
        _stats.Saved(Stopwatch.GetTimestamp() - started);
        _stats.Held(_saved);
        return entry;
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
