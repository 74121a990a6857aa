using Verge.Orleans.Grains.Abstractions.Catalog;

namespace Verge.Orleans.Grains.Sessions;

/// <summary>Whether a request that names a session reads and extends its history.</summary>
internal static class ChatHistoryPolicy
{
    /// <param name="asked">The request's <c>chat_history</c> field, when it sent one.</param>
    public static bool Applies(ChatHistoryMode mode, bool? asked) => mode switch
    {
        ChatHistoryMode.AlwaysOn => true,
        ChatHistoryMode.DefaultOn => asked != false,
        ChatHistoryMode.DefaultOff => asked == true,
        _ => false,
    };
}
