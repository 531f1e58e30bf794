package dev.medforge.ml.privacy;

/**
 * How well one membership-inference attack tells members (images the released artifact was made
 * from) from non-members (held-out images of the same classes).
 *
 * @param auc area under the ROC curve: 0.5 means the attacker does no better than a coin
 * @param ciLow lower end of the 95% bootstrap interval of the AUC
 * @param ciHigh upper end of that interval; the figure a branch's limit is checked against
 * @param tprAt1Fpr the share of members caught while at most 1% of non-members are accused
 */
public record AttackResult(double auc, double ciLow, double ciHigh, double tprAt1Fpr, int members, int nonMembers) { }
