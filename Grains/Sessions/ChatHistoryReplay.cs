using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Sessions;

/// <summary>Stored turns as the messages the model sees again.</summary>
internal static class ChatHistoryReplay
{
    /// <summary>
    /// Each turn's user messages, then the answer. Kept reasoning goes back as a think block before the
    /// content, the form the model produced it in.
    /// </summary>
    public static IReadOnlyList<ChatMessage> ToMessages(IEnumerable<ChatTurn> turns) =>
        turns.SelectMany(turn => turn.Messages.Append(new ChatMessage("assistant", AnswerOf(turn)))).ToArray();

    private static string AnswerOf(ChatTurn turn) =>
        turn.Reasoning.Length == 0 ? turn.Answer : $"<think>\n{turn.Reasoning}\n</think>\n\n{turn.Answer}";
}
