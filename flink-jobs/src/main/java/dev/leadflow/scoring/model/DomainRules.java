package dev.leadflow.scoring.model;

import dev.leadflow.scoring.FitGate;
import dev.leadflow.scoring.Profile;
import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an email or company domain says about a lead: free mail, competitor, student, or a
 * business. Competitor and student domains match as suffixes on a label boundary, so
 * {@code edu} covers {@code cs.mit.edu} and {@code rival.io} covers {@code eu.rival.io}.
 */
public final class DomainRules implements Serializable {

    private static final long serialVersionUID = 1L;

    final int businessPoints;
    final int freeMailPoints;
    final int competitorPoints;
    final int studentPoints;
    private final Set<String> freeMail;
    private final List<String> competitors;
    private final List<String> studentDomains;
    /** Null when the model lists no student titles. */
    private final Pattern studentTitles;

    DomainRules(int businessPoints, int freeMailPoints, Set<String> freeMail, int competitorPoints,
            List<String> competitors, int studentPoints, List<String> studentDomains, Pattern studentTitles) {
        this.businessPoints = businessPoints;
        this.freeMailPoints = freeMailPoints;
        this.freeMail = Set.copyOf(freeMail);
        this.competitorPoints = competitorPoints;
        this.competitors = List.copyOf(competitors);
        this.studentPoints = studentPoints;
        this.studentDomains = List.copyOf(studentDomains);
        this.studentTitles = studentTitles;
    }

    boolean isFreeMail(String domain) {
        return domain != null && freeMail.contains(domain);
    }

    boolean isCompetitor(String domain) {
        return endsWithAny(domain, competitors);
    }

    boolean isStudentDomain(String domain) {
        return endsWithAny(domain, studentDomains);
    }

    boolean isStudentTitle(String title) {
        return title != null && studentTitles != null && studentTitles.matcher(title).find();
    }

    /** The company domain trait unless it is free mail, else the email's domain unless free mail, else null. */
    public String accountDomain(Profile p) {
        if (p == null) {
            return null;
        }
        if (p.companyDomain != null && !isFreeMail(p.companyDomain)) {
            return p.companyDomain;
        }
        String email = p.emailDomain();
        return email == null || isFreeMail(email) ? null : email;
    }

    public FitGate gate(Profile p) {
        if (p == null) {
            return FitGate.OK;
        }
        String email = p.emailDomain();
        if (isCompetitor(email) || isCompetitor(p.companyDomain)) {
            return FitGate.COMPETITOR;
        }
        if (isStudentDomain(email) || isStudentTitle(p.title)) {
            return FitGate.STUDENT;
        }
        if (isFreeMail(email) && accountDomain(p) == null) {
            return FitGate.FREE_MAIL_ONLY;
        }
        return FitGate.OK;
    }

    private static boolean endsWithAny(String domain, List<String> suffixes) {
        if (domain == null) {
            return false;
        }
        for (String s : suffixes) {
            if (domain.equals(s)
                    || (domain.endsWith(s) && domain.charAt(domain.length() - s.length() - 1) == '.')) {
                return true;
            }
        }
        return false;
    }
}
